import { join } from 'node:path';
import type { TargetSpec } from '../target/resolveTarget.js';
import type { RunResults } from '../runner/RunResults.js';
import { ScenarioRun } from '../runner/ScenarioRun.js';
import { parseScenarioText } from '../scenario/loadScenario.js';

/** One held-out strategy: what the embedded mock with the fitted profile predicted, and what the org did. */
export interface ValidationRow {
  readonly strategy: string;
  readonly predictedOpsPerSec: number;
  readonly measuredOpsPerSec: number;
  /** (predicted − measured) ÷ measured, in percent. */
  readonly errorPercent: number;
}

export interface ValidationOptions {
  readonly profilePath: string;
  readonly target: Extract<TargetSpec, { kind: 'org' }>;
  /** Records per strategy. */
  readonly records: number;
  readonly writes: boolean;
  readonly dopHint: number;
  /** Names of created records start with it, so the calibration's final check finds any left. */
  readonly prefix: string;
  readonly outDir: string;
  readonly signal?: AbortSignal;
}

/** Measured repetitions of the prediction on the mock (the org runs one). */
const MOCK_REPETITIONS = 2;

/**
 * Strategies the calibration did not fit on: sequential, async at the dop hint, twice and
 * three times it (past the knee, where "how many workers?" is asked), `$batch` of 50, and (with writes) bulk of 100 and changesets. The probes fitted single
 * calls at concurrency 1, batches and bulk messages of 5 and 25, and one kind of operation
 * across worker counts; these mix them at sizes and concurrencies the fit never saw.
 */
function heldOutScenario(o: ValidationOptions, forMock: boolean): string {
  const n = o.records;
  const workload = o.writes
    ? `{ kind: insert, table: account, count: ${n}, values: { name: ${JSON.stringify(`${o.prefix} v{i}`)} } }`
    : // A query page, not a retrieve: a retrieve workload needs a data: block, which an org refuses.
      `{ kind: read, mode: query, table: account, count: ${n}, select: [name], pageSize: 20, followPaging: false }`;
  const strategies = [
    'sequential',
    `{ kind: async, workers: ${o.dopHint} }`,
    `{ kind: async, workers: ${2 * o.dopHint} }`,
    `{ kind: async, workers: ${3 * o.dopHint} }`,
    `{ kind: batch, size: ${Math.min(50, n)} }`,
    ...(o.writes ? [`{ kind: bulk, size: ${Math.min(100, n)} }`, '{ kind: transaction, inFlight: 1 }'] : []),
  ];
  return [
    'name: calibrate-validation',
    'seed: 11',
    `mock: { profile: ${JSON.stringify(o.profilePath)} }`,
    ...(forMock && !o.writes ? ['data: { account: 200 }'] : []),
    `workloads: [${workload}]`,
    `strategies: [${strategies.join(', ')}]`,
    // Both sides measure after a warm-up: a cold client (and a fresh mock process) spends its
    // first requests compiling code, which made sequential, the first strategy, look 5 to 17%
    // slower on the org than predicted. The warm-up is cut short (`validationWarmup`).
    // The mock draws its service times as the org does, so one repetition of it is one draw
    // too: the same profile predicted async:12 at 153 and 170 ops/s on two runs. Requests to
    // it cost nothing, only time: the prediction is the pooled throughput of two. (Three left
    // an org whose time binds fewer records, and the org's side is the noisier.)
    `repetitions: ${forMock ? MOCK_REPETITIONS : 1}`,
    'warmup: 1',
  ].join('\n');
}

/**
 * Records each strategy's warm-up runs: enough to open every connection of async at three times
 * the dop hint and compile the code, at least 40. A whole warm-up repetition cost the org as
 * many requests as the measured one: half the validation's budget, which held it to 120 to 180
 * records a strategy, where an org with long tails measured async:12 at 133 to 153 ops/s from
 * one run to the next.
 */
export function validationWarmup(records: number, dopHint: number): number {
  return Math.min(records, Math.max(40, 3 * dopHint));
}

/** Requests one repetition of `records` records a strategy sends the org, cleanup included (see `validationRequests`). */
function repetitionRequests(records: number, writes: boolean): number {
  const hundreds = Math.ceil(records / 100);
  const batches = Math.ceil(records / 50);
  return writes ? records * 5 + batches + hundreds + 7 * hundreds : records * 4 + batches;
}

/**
 * Requests the org side of the validation sends over its warm-up and measured repetitions:
 * one a record for each single-request strategy (five with writes: sequential, three async
 * and changesets; four reading), a request per `$batch` of 50 and bulk message of 100, and with
 * writes the runner's cleanup of seven strategies (`$batch`es of 100 deletes) and, after the
 * measured repetition, its audit (a query per 100 records).
 */
export function validationRequests(records: number, writes: boolean, dopHint: number): number {
  const audit = writes ? 7 * Math.ceil(records / 100) : 0;
  const warmup = validationWarmup(records, dopHint);
  return repetitionRequests(records, writes) + repetitionRequests(warmup, writes) + audit + 10;
}

/** The most records a strategy within `requests`, at most `wanted`, with the warm-up `dopHint` sets. */
export function validationRecordsWithin(requests: number, writes: boolean, wanted: number, dopHint: number): number {
  let records = wanted;
  while (records > 0 && validationRequests(records, writes, dopHint) > requests) records--;
  return records;
}

/**
 * About how long the validation's measured repetitions take per record, org and mock together,
 * from the fitted costs: sequential and changesets at one call a record, the rest quicker, and
 * the cleanup of every strategy's records on the org (`$batch`es of deletes, four at once, each
 * served in order).
 */
export function validationMsPerRecord(roundTripMs: number, createMs: number, deleteMs: number): number {
  const org = 2.6 * (roundTripMs + createMs) + (7 * 2 * deleteMs) / 4;
  const mock = 2.6 * (roundTripMs + createMs);
  return org + MOCK_REPETITIONS * mock;
}

async function runOn(o: ValidationOptions, forMock: boolean): Promise<RunResults> {
  const loaded = parseScenarioText(heldOutScenario(o, forMock), join(o.outDir, 'validation.yaml'));
  const run = new ScenarioRun(loaded, {
    outDir: join(o.outDir, forMock ? 'predicted-on-mock' : 'measured-on-org'),
    target: forMock ? { kind: 'mock' } : o.target,
    allowWrites: o.writes,
    warmupOperations: validationWarmup(o.records, o.dopHint),
    ...(o.signal === undefined ? {} : { signal: o.signal }),
  });
  return run.run();
}

/** Runs the held-out strategies on the org, then on the embedded mock with the profile, and compares. */
export async function validateProfile(o: ValidationOptions): Promise<ValidationRow[]> {
  const measured = await runOn(o, false);
  if (o.signal?.aborted === true) return [];
  const predicted = await runOn(o, true);
  return measured.strategies.flatMap((m) => {
    const p = predicted.strategies.find((s) => s.name === m.name);
    // A strategy cut short by the deadline, or with errors, measured something else.
    if (p === undefined || !m.complete || !p.complete || m.throughput.opsPerSec <= 0 || m.errors.total > 0) return [];
    const errorPercent = ((p.throughput.opsPerSec - m.throughput.opsPerSec) / m.throughput.opsPerSec) * 100;
    return [
      {
        strategy: m.name,
        predictedOpsPerSec: p.throughput.opsPerSec,
        measuredOpsPerSec: m.throughput.opsPerSec,
        errorPercent,
      },
    ];
  });
}
