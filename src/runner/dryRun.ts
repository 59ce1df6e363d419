import { tableDirectory } from '../../mock-server/index.js';
import { expandStrategies } from '../strategies/expandStrategies.js';
import { descriptorOf } from '../strategies/descriptorOf.js';
import type { StrategySpec } from '../strategies/strategyKinds.js';
import type { PlannedOperation } from '../operations/PlannedOperation.js';
import { planOperations, rowsNeeded, seededRowsKey } from '../scenario/planOperations.js';
import type { Scenario } from '../scenario/scenarioSchema.js';
import { FIXTURE_CHUNK } from '../target/OrgFixture.js';
import {
  estimateLimits,
  estimateRepetition,
  estimateScriptCleanupMs,
  type EstimateTarget,
} from '../estimate/estimateStrategy.js';

interface DryRunStrategy {
  readonly name: string;
  /** HTTP requests per repetition (a $batch or bulk request is one). */
  readonly requestsPerRepetition: number;
  /** Requests over warm-up and measured repetitions. */
  readonly requestsTotal: number;
  /** Operations toward the daily API request entitlement (each operation inside a batch counts). */
  readonly entitlementRequests: number;
  /**
   * Every repetition (warm-up included), ms: from the cost model the mock serves (the profile's
   * or the scenario's costs) through a queueing model of the strategy (see src/estimate/).
   */
  readonly estimatedMs: number;
  /** The same here: the measured work divided by the run's time compression, the overheads not. */
  readonly wallMs: number;
  /**
   * The service protection limit that sets the strategy's time, if one does: `estimatedMs` is
   * then the least that limit allows (each allowance a window), and its 429s add waits.
   */
  readonly limitedBy: 'requests' | 'executionTime' | null;
}

export interface DryRunPlan {
  /** The mock's time compression: estimates are the org's time, this many times longer than the run's. */
  readonly timeScale: number;
  readonly operations: number;
  readonly byKind: Readonly<Record<string, number>>;
  readonly repetitions: number;
  readonly strategies: readonly DryRunStrategy[];
  /** The whole run, ms: every strategy's repetitions and the run's own start. */
  readonly estimatedMs: number;
  /** The whole run here, ms: `estimatedMs` with the measured work time-compressed. */
  readonly wallMs: number;
  /** The per-user request limit per window the estimate is set against. */
  readonly requestLimit: { readonly requests: number; readonly windowSeconds: number };
  /** Against an org: the data created before measuring, and what is put back between repetitions. */
  readonly setup: {
    readonly records: number;
    /** CreateMultiple requests (FIXTURE_CHUNK records each at most, per table: see OrgFixture). */
    readonly createRequests: number;
    /** Records of the data a repetition changes or deletes, put back (UpsertMultiple) before the next. */
    readonly restoredPerRepetition: number;
  };
}

/*
 * Work around the measured repetitions that takes time, measured on the paper's scenario on a
 * 2-core machine: starting the run (the mock, preflight) and writing its reports and charts,
 * about 2.4 s; each repetition's reset, seed (about 10 µs a record) and audit, about 150 ms;
 * and the worker pools each repetition starts: about 350 ms a process, 60 ms a thread.
 */
const RUN_OVERHEAD_MS = 2400;
const REPETITION_OVERHEAD_MS = 150;
const SEED_MS_PER_RECORD = 0.01;

/**
 * What one repetition of `spec` costs beside its measured work, ms: reset and seed, audit, script
 * cleanups, worker start.
 */
export function repetitionOverheadMs(scenario: Scenario, spec: StrategySpec): number {
  const records = Object.values(scenario.data).reduce((a, n) => a + n, 0);
  return (
    REPETITION_OVERHEAD_MS + SEED_MS_PER_RECORD * records + estimateScriptCleanupMs(scenario) + workerStartMs(spec)
  );
}

function workerStartMs(spec: StrategySpec): number {
  const workers = descriptorOf(spec).osWorkers;
  return workers === undefined ? 0 : workers.startMs * workers.count(spec);
}

function duration(ms: number): string {
  const s = ms / 1000;
  return s < 90
    ? `${s.toFixed(s < 10 ? 1 : 0)} s`
    : s < 5400
      ? `${(s / 60).toFixed(1)} min`
      : `${(s / 3600).toFixed(1)} h`;
}

/** The operations a run would plan, from stand-in records (the counts in `data:`): what the estimates are made of. */
export function standInOperations(scenario: Scenario): PlannedOperation[] {
  const tables = tableDirectory(scenario.mock.tables);
  const rows = new Map<string, Record<string, unknown>[]>();
  for (const need of rowsNeeded(scenario)) {
    const t = tables.get(need.table);
    if (t === undefined) continue;
    const n = scenario.data[need.table] ?? 0;
    rows.set(
      seededRowsKey(need.table, need.filter),
      Array.from({ length: n }, (_, i) => ({
        [t.primaryKey]: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        ...Object.fromEntries(need.columns.map((c) => [c, `KEY-${i}`])),
      })),
    );
  }
  return planOperations(scenario, tables, rows);
}

/**
 * What a run would send, without sending anything: the plan is made from stand-in records
 * (the counts in `data:`), which gives the same operations and requests as the real data.
 */
export function dryRun(scenario: Scenario, target: EstimateTarget = 'mock', only?: readonly string[]): DryRunPlan {
  const ops = standInOperations(scenario);
  const operations = ops.reduce((a, op) => a + op.ops, 0);
  const byKind: Record<string, number> = {};
  for (const op of ops) byKind[op.kind] = (byKind[op.kind] ?? 0) + op.ops;
  const repetitions = scenario.warmup + scenario.repetitions;
  const specs = expandStrategies(scenario.strategies).filter((spec) => only === undefined || only.includes(spec.name));
  const timeScale = target === 'mock' ? scenario.mock.timeScale : 1;
  const limits = estimateLimits(scenario, target);
  const strategies = specs.map((spec, i) => {
    // One pass over the plan gives both: the requests, and the time they take.
    const { ms, firstMs, requests, limitedBy } = estimateRepetition(scenario, spec, ops, target);
    // The run's first repetition starts with the limits' window empty: one allowance free.
    const workMs = ms * (repetitions - 1) + (i === 0 ? firstMs : ms);
    const overheadMs = repetitionOverheadMs(scenario, spec) * repetitions;
    return {
      name: spec.name,
      requestsPerRepetition: requests,
      requestsTotal: requests * repetitions,
      entitlementRequests: operations * repetitions,
      estimatedMs: workMs + overheadMs,
      wallMs: workMs / timeScale + overheadMs,
      limitedBy,
    };
  });
  const consumed = ops.filter(
    (op) => (op.kind === 'update' || op.kind === 'delete') && (scenario.data[op.table] ?? 0) > 0,
  );
  return {
    timeScale,
    operations,
    byKind,
    repetitions,
    strategies,
    setup: {
      records: Object.values(scenario.data).reduce((a, n) => a + n, 0),
      createRequests: Object.values(scenario.data).reduce((a, n) => a + Math.ceil(n / FIXTURE_CHUNK), 0),
      restoredPerRepetition: consumed.length,
    },
    estimatedMs: RUN_OVERHEAD_MS + strategies.reduce((a, s) => a + s.estimatedMs, 0),
    wallMs: RUN_OVERHEAD_MS + strategies.reduce((a, s) => a + s.wallMs, 0),
    requestLimit: { requests: limits.requestsPerWindow, windowSeconds: limits.windowSeconds },
  };
}

/** What the run does on an org before and between measuring: it is sent, and counts, but is not measured. */
function setupLines(plan: DryRunPlan, targetIsOrg: boolean): string[] {
  const { records, createRequests, restoredPerRepetition } = plan.setup;
  if (!targetIsOrg || records === 0) return [];
  const laterReps = plan.strategies.length * plan.repetitions - 1;
  return [
    `set-up (not measured): ${records} record(s) of data created by ${createRequests} bulk request(s) ` +
      `(CreateMultiple, at most ${FIXTURE_CHUNK} records each) before the first repetition;` +
      (restoredPerRepetition > 0
        ? ` ${restoredPerRepetition} changed or deleted record(s) put back (UpsertMultiple) ` +
          `before each of the ${laterReps} later repetitions;`
        : '') +
      ` everything the run created deleted at the end (one request per record).`,
  ];
}

/** `300` → `5-min`, `20` → `20 s`: the window as the limit's own text names it. */
function windowName(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}-min` : `${seconds} s`;
}

/** What a ≥ in the table means: the figure is the least the limits allow, not what the run will take. */
function limitedLine(plan: DryRunPlan, limited: readonly DryRunStrategy[]): string {
  const { requests, windowSeconds } = plan.requestLimit;
  const byRequests = limited.some((s) => s.limitedBy === 'requests');
  const byTime = limited.some((s) => s.limitedBy === 'executionTime');
  const which = [
    ...(byRequests ? [`the request limit (${requests} per user per web server per ${windowSeconds} s)`] : []),
    ...(byTime ? ['the combined execution-time limit'] : []),
  ].join(' and ');
  return (
    `≥ ${limited.map((s) => s.name).join(', ')}: held by ${which}; the time shown is the least it ` +
    `allows, each allowance a window. The 429s add waits this estimate does not model (each ` +
    `Retry-After, and requests sent while blocked lengthen the block), so the run takes longer.`
  );
}

/** The printed estimate. */
export function formatDryRun(name: string, plan: DryRunPlan, targetIsOrg: boolean): string {
  const lines = [
    `dry run of ${name}: nothing is sent`,
    `${plan.operations} operations per repetition (${Object.entries(plan.byKind)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')}), ${plan.repetitions} repetitions each (warm-up included)`,
    '',
    `strategy            requests/rep  requests total  ${`of the ${windowName(plan.requestLimit.windowSeconds)} request limit`.padStart(26)}  toward daily entitlement  est. time`,
  ];
  for (const s of plan.strategies) {
    const share = (s.requestsPerRepetition / plan.requestLimit.requests) * 100;
    const time = `${s.limitedBy === null ? '' : '≥ '}${duration(s.estimatedMs)}`;
    lines.push(
      `${s.name.padEnd(18)}  ${String(s.requestsPerRepetition).padStart(12)}  ${String(s.requestsTotal).padStart(14)}  ${`${share.toFixed(1)}% per repetition`.padStart(26)}  ${String(s.entitlementRequests).padStart(24)}  ${time.padStart(9)}`,
    );
  }
  const limited = plan.strategies.filter((s) => s.limitedBy !== null);
  const total = plan.strategies.reduce((a, s) => a + s.entitlementRequests, 0);
  lines.push('', ...setupLines(plan, targetIsOrg));
  lines.push(
    'Queries are counted at the pages the seeded data fills; writes into the same table during the run add pages.',
    ...((plan.byKind.script ?? 0) > 0
      ? [
          "Script operations are counted and timed as their workload's `sends` declares (unset: " +
            "one read each), and their module's cleanup as `cleanupSends` does; a dry run does not run your code.",
        ]
      : []),
    `Time: about ${duration(plan.estimatedMs)} in all${limited.length > 0 ? ' (at least: see ≥ below)' : ''}, estimated from the cost model (each ` +
      `operation kind's cost, $batch and bulk overhead and per-item costs, the round trip, ` +
      `capacity, serialized share and limits) through a queueing model of each strategy` +
      `${targetIsOrg ? '; against an org these are the ' + "profile's costs, not the org's: run 'dvbench calibrate' for its own" : ''}.` +
      (plan.timeScale === 1
        ? ''
        : ` Time-compressed ×${plan.timeScale}: these are the org's times; this run takes about ` +
          `${duration(plan.wallMs)} here.`),
    ...(limited.length === 0 ? [] : [limitedLine(plan, limited)]),
    `The request limit is ` +
      `${plan.requestLimit.requests} per user per ${plan.requestLimit.windowSeconds} s: a strategy ` +
      `whose repetition exceeds it within that time will meet 429s unless the load is spread ` +
      `over several application users.`,
    `In all, ${total} API requests count toward the daily Power Platform request entitlement of ` +
      `the user(s) (every operation inside a $batch or bulk message counts); for example a ` +
      `Dynamics 365 Enterprise licence carries 40,000 per user per 24 hours.` +
      (targetIsOrg ? '' : ' (The target is the mock: nothing would be charged.)'),
  );
  return `${lines.join('\n')}\n`;
}
