import { EventEmitter } from 'node:events';
import { basename, dirname, extname, join } from 'node:path';
import { stringify } from 'yaml';
import type { ProfileInput } from '../../mock-server/index.js';
import { createOrgTokenProviders } from '../client/auth/createTokenProviders.js';
import { DataverseClient } from '../client/DataverseClient.js';
import type { TargetSpec } from '../target/resolveTarget.js';
import { median } from '../metrics/statistics.js';
import { writeFileAtomic, writeJsonAtomic } from '../output/writeJsonAtomic.js';
import { bootstrapCosts, type FigureIntervals } from './bootstrapCosts.js';
import { buildProfile } from './buildProfile.js';
import { profileUncertainty } from './profileUncertainty.js';
import { chooseScaling, sweepOperation, type ScalingChoice } from './chooseScaling.js';
import { emptySamples, type CostSamples, type ScalingPoint } from './CostSamples.js';
import { fitCosts, type FittedLatency, type FittedSpec } from './fitCosts.js';
import { BudgetSpent, ProbeBudget } from './ProbeBudget.js';
import { CostProbe, type CostProbeOptions } from './probeCosts.js';
import { probeLocally } from './probeLocally.js';
import { fitTables, type FittedPlugin, type FittedTables } from './fitTables.js';
import { TableProbe, type TableSamples, type TableSkipped } from './probeTables.js';
import { PROBE_TABLE, ProbeRecords } from './ProbeRecords.js';
import { ProbeRecordSet } from './ProbeRecordSet.js';
import type { ScenarioTables } from './scenarioTables.js';
import { sweepConcurrency, sweepOpsFor } from './sweepConcurrency.js';
import {
  validateProfile,
  validationMsPerRecord,
  validationRecordsWithin,
  validationRequests,
  validationWarmup,
  type ValidationRow,
} from './validateProfile.js';

export interface CalibrateOptions {
  readonly target: Extract<TargetSpec, { kind: 'org' }>;
  /** Where the profile (YAML) goes; `<name>.calibration.json` and the validation runs go beside it. */
  readonly out: string;
  readonly name: string;
  readonly allowWrites: boolean;
  readonly maxRequests: number;
  readonly maxMinutes: number;
  /** Records per held-out strategy; 0 skips validation. */
  readonly validationRecords: number;
  /** `--scenario`: the tables and kinds the scenario uses, probed beside account's. */
  readonly scenario?: { readonly path: string; readonly tables: ScenarioTables } | undefined;
  readonly signal?: AbortSignal;
}

export interface CalibrationResult {
  readonly schemaVersion: 1;
  readonly target: string;
  readonly profilePath: string;
  readonly profile: ProfileInput;
  readonly measured: readonly string[];
  readonly fromDefault: readonly string[];
  /** Why probing stopped before the plan was done (budget, headroom); null when it finished. */
  readonly stoppedEarly: string | null;
  readonly samples: CostSamples;
  /** The same probes against a zero-cost mock on this machine: its client and HTTP stack. */
  readonly localSamples: CostSamples;
  readonly sweep: { readonly points: readonly ScalingPoint[]; readonly stoppedBecause: string } | null;
  readonly scaling: ScalingChoice | null;
  /** With `--scenario`: the tables it uses, timed or skipped (and why); null without one. */
  readonly tables: {
    readonly scenario: string;
    readonly measured: readonly string[];
    readonly skipped: readonly TableSkipped[];
    /** Workloads whose tables are not known before they run (scripts). */
    readonly unknown: readonly string[];
    readonly multipliers: Readonly<Record<string, number>>;
    readonly plugins: readonly FittedPlugin[];
  } | null;
  readonly validation: readonly ValidationRow[];
  /** Why validation did not run, or null. */
  readonly validationSkipped: string | null;
  readonly requests: number;
  readonly elapsedMs: number;
  readonly cleanup: { readonly deleted: number; readonly failed: number; readonly leftBehind: number | null };
}

export interface CalibrationEvents {
  step: [string];
  point: [ScalingPoint];
}

/** Calls per kind on each other table a scenario uses: half account's, for the budget's sake. */
const TABLE_SAMPLES = 15;

/** The sweep doubles workers until throughput levels off, up to this many (past any dop hint an org sends). */
const MAX_SWEEP_WORKERS = 64;

/**
 * Enough calls for a median within a few percent, few enough for the budget; up to three times
 * as many creates, retrieves and updates on an org whose calls spread widely. Size 1 pins a
 * request's overhead; 5 and 25 its cost per item.
 */
const PROBE_PLAN: Omit<CostProbeOptions, 'writes'> = {
  samples: 30,
  mostSamples: 90,
  sizes: [1, 5, 25],
  sizeRepeats: 6,
};

/**
 * Web servers the org answered from, told apart by the affinity cookie each answer set (the
 * probe client drops it, so the balancer spreads the probes); undefined when the org sets none.
 * A lower bound: a server the balancer never chose is not seen.
 */
function webServersSeen(client: DataverseClient): number | undefined {
  const seen = Object.keys(client.counters.affinity).length;
  return seen === 0 ? undefined : seen;
}

/**
 * `dvbench calibrate`: probes an org within a request and time budget, fits the mock's cost
 * model to it, writes the profile, cleans up every record it made, and validates the profile
 * on strategies it did not fit on.
 */
export class Calibration extends EventEmitter<CalibrationEvents> {
  readonly #o: CalibrateOptions;
  readonly #budget: ProbeBudget;

  constructor(options: CalibrateOptions) {
    super();
    this.#o = options;
    this.#budget = new ProbeBudget({
      maxRequests: options.maxRequests,
      maxMs: options.maxMinutes * 60_000,
      minHeadroom: 500,
    });
  }

  async run(): Promise<CalibrationResult> {
    const { target } = this.#o;
    const identities = await createOrgTokenProviders(target.url, target.identities.slice(0, 1), {
      authorityHost: target.authorityHost,
    });
    const client = new DataverseClient({
      url: target.url,
      identities,
      connections: 64,
      signal: this.#o.signal,
    });
    // Cleanup has a client of its own, which Ctrl-C does not cancel: the records must go.
    const cleaner = new DataverseClient({ url: target.url, identities, connections: 4 });
    this.#budget.track(client);
    this.#budget.track(cleaner);
    const records = new ProbeRecords(cleaner);
    const tableProbe = new TableProbe(client, cleaner, this.#budget, {
      samples: TABLE_SAMPLES,
      writes: this.#o.allowWrites,
      prefix: records.prefix,
    });
    this.#budget.reserveFor(
      () => records.cleanupRequests + 2 + tableProbe.records.reduce((n, r) => n + r.cleanupRequests + 1, 0),
    );
    try {
      return await this.#calibrate(client, new ProbeRecordSet(records, tableProbe.records), tableProbe);
    } finally {
      await client.close();
      await cleaner.close();
    }
  }

  async #calibrate(
    client: DataverseClient,
    records: ProbeRecordSet,
    tableProbe: TableProbe,
  ): Promise<CalibrationResult> {
    const localSamples = await this.#probeLocally();
    const samples = emptySamples();
    const probedTables: (TableSamples | TableSkipped)[] = [];
    let stoppedEarly: string | null = null;
    let sweep: CalibrationResult['sweep'] = null;
    let scaling: ScalingChoice | null = null;
    let costs: FittedLatency = {};
    try {
      const probe = new CostProbe(client, records.account, this.#budget, {
        ...PROBE_PLAN,
        writes: this.#o.allowWrites,
      });
      await probe.run(samples, (step) => this.emit('step', step));
      costs = fitCosts(samples, localSamples);
      for (const [table, kinds] of this.#o.scenario?.tables.tables ?? [])
        if (table !== PROBE_TABLE.logicalName)
          probedTables.push(await tableProbe.probe(table, kinds, (step) => this.emit('step', step)));
      sweep = await this.#sweep(client, records.account, samples);
      if (sweep.stoppedBecause.startsWith('the ')) stoppedEarly = sweep.stoppedBecause;
      scaling = await this.#scaling(sweep.points, costs, client.hints.dopHint ?? 4, webServersSeen(client));
    } catch (error) {
      if (!(error instanceof BudgetSpent)) {
        await records.deleteAll();
        throw error;
      }
      stoppedEarly = error.reason;
      costs = fitCosts(samples, localSamples);
    }
    const timed = probedTables.filter((t): t is TableSamples => 'samples' in t);
    const tables = this.#o.scenario === undefined ? undefined : fitTables(timed, costs, localSamples);
    const built = buildProfile({
      tables,
      name: this.#o.name,
      origin: client.origin,
      costs,
      scaling,
      dopHint: client.hints.dopHint,
      webServers: webServersSeen(client),
      requests: this.#budget.requests,
      date: new Date(),
    });
    await this.#writeProfile(built.profile);
    this.emit('step', 'cleanup');
    const cleanup = await records.deleteAll();
    const validation = await this.#validate(stoppedEarly, records.prefix, client.hints.dopHint ?? 4, costs);
    const leftBehind = await records.countLeft();
    const profile = withFit(built.profile, validation.rows, bootstrapCosts(samples, localSamples));
    await this.#writeProfile(profile);
    const result: CalibrationResult = {
      schemaVersion: 1,
      target: client.origin,
      profilePath: this.#o.out,
      profile,
      measured: built.measured,
      fromDefault: built.fromDefault,
      stoppedEarly,
      samples,
      localSamples,
      sweep,
      scaling,
      tables: tablesResult(this.#o.scenario, tables, probedTables),
      validation: validation.rows,
      validationSkipped: validation.skipped,
      requests: this.#budget.requests,
      elapsedMs: this.#budget.elapsedMs,
      cleanup: { deleted: cleanup.deleted, failed: cleanup.failed, leftBehind: leftBehind ?? null },
    };
    await writeJsonAtomic(calibrationPath(this.#o.out), result);
    return result;
  }

  /** The same probes on a zero-cost mock here: what this machine's client and HTTP stack take. */
  async #probeLocally(): Promise<CostSamples> {
    this.emit('step', 'reference probes on a zero-cost local mock');
    return probeLocally(this.#o.allowWrites, PROBE_PLAN);
  }

  async #sweep(
    client: DataverseClient,
    records: ProbeRecords,
    samples: CostSamples,
  ): Promise<{ points: ScalingPoint[]; stoppedBecause: string }> {
    const writes = this.#o.allowWrites && records.ids.length > 0;
    const ids = writes ? records.ids : await readableIds(client);
    if (ids.length === 0 || (writes ? samples.update : samples.read).length === 0)
      return { points: [], stoppedBecause: 'nothing to sweep' };
    this.emit('step', `concurrency sweep (${writes ? 'updates' : 'retrieves'})`);
    return sweepConcurrency(
      sweepOperation(client, ids, writes ? 'update' : 'read'),
      MAX_SWEEP_WORKERS,
      this.#budget,
      (p) => this.emit('point', p),
      sweepOpsFor(writes ? samples.update : samples.read),
    );
  }

  async #scaling(
    points: readonly ScalingPoint[],
    costs: FittedLatency,
    dopHint: number,
    webServers: number | undefined,
  ): Promise<ScalingChoice | null> {
    const kind = this.#o.allowWrites ? 'update' : 'read';
    const spec = costs[kind];
    if (points.length < 3 || spec === undefined) return null;
    this.emit('step', 'scaling: replaying the sweep on the embedded mock');
    return chooseScaling(points, costs, { spec, kind }, { dopHint, webServers });
  }

  async #validate(
    stoppedEarly: string | null,
    prefix: string,
    dopHint: number,
    costs: FittedLatency,
  ): Promise<{ rows: ValidationRow[]; skipped: string | null }> {
    if (this.#o.validationRecords === 0) return { rows: [], skipped: 'validation was turned off (--validate 0)' };
    if (stoppedEarly !== null) return { rows: [], skipped: `probing stopped early: ${stoppedEarly}` };
    const writes = this.#o.allowWrites;
    const byRequests = validationRecordsWithin(
      this.#budget.remainingRequests,
      writes,
      this.#o.validationRecords,
      dopHint,
    );
    // Each record is run once measured; the warm-up's records come on top.
    const byTime =
      Math.floor((this.#budget.remainingMs * 0.8) / msPerRecord(costs)) - validationWarmup(byRequests, dopHint);
    // byRequests is already capped at the records asked for.
    const records = Math.min(byRequests, byTime);
    if (records < 10)
      return {
        rows: [],
        skipped: `the budget leaves too little for it (${records} records a strategy; 10 needed)`,
      };
    this.emit('step', `validation: held-out strategies, ${records} records each, on the org and on the mock`);
    const before = this.#budget.requests;
    // The time budget is a hard stop: the runner keeps what finished and cleans up.
    const deadline = AbortSignal.timeout(Math.max(1, this.#budget.remainingMs));
    const signal = this.#o.signal === undefined ? deadline : AbortSignal.any([this.#o.signal, deadline]);
    const rows = await validateProfile({
      profilePath: this.#o.out,
      target: this.#o.target,
      records,
      writes,
      dopHint,
      prefix,
      outDir: validationDir(this.#o.out),
      signal,
    });
    this.#budget.spend(validationRequests(records, writes, dopHint) - (this.#budget.requests - before));
    return { rows, skipped: null };
  }

  async #writeProfile(profile: ProfileInput): Promise<void> {
    const header = `# Written by dvbench calibrate. Use it with: dvbench run <scenario> --profile ${basename(this.#o.out)}\n`;
    await writeFileAtomic(this.#o.out, `${header}${stringify(profile)}`);
  }
}

/** What `--scenario` found of its tables, for calibration.json and the summary. */
function tablesResult(
  scenario: CalibrateOptions['scenario'],
  fitted: FittedTables | undefined,
  probed: readonly (TableSamples | TableSkipped)[],
): CalibrationResult['tables'] {
  if (scenario === undefined || fitted === undefined) return null;
  return {
    scenario: scenario.path,
    measured: fitted.measured,
    skipped: probed.filter((t): t is TableSkipped => 'reason' in t),
    unknown: scenario.tables.unknown,
    multipliers: fitted.multipliers,
    plugins: fitted.plugins,
  };
}

async function readableIds(client: DataverseClient): Promise<string[]> {
  const page = await client.send('GET', 'accounts?$select=accountid&$top=200');
  if (page.status !== 200) return [];
  return (JSON.parse(page.text) as { value: { accountid: string }[] }).value.map((r) => r.accountid);
}

/**
 * The profile with the validation's errors as its fit quality, and its uncertainty: each
 * figure's interval, and the spread its predictions carry.
 */
function withFit(profile: ProfileInput, rows: readonly ValidationRow[], figures: FigureIntervals): ProfileInput {
  const uncertainty = profileUncertainty(rows, figures);
  if (rows.length === 0) return { ...profile, profile: { ...profile.profile, uncertainty } };
  const abs = rows.map((r) => Math.abs(r.errorPercent));
  const fit: Record<string, number> = {
    medianAbsErrorPercent: round1(median(abs)),
    maxAbsErrorPercent: round1(Math.max(...abs)),
  };
  for (const r of rows) fit[`${r.strategy}.errorPercent`] = round1(r.errorPercent);
  return { ...profile, profile: { ...profile.profile, fit, uncertainty } };
}

/** The validation's time per record from the fitted costs; `default`'s figures where none was fitted. */
function msPerRecord(costs: FittedLatency): number {
  const mean = (spec: FittedSpec | undefined, fallback: number): number =>
    spec === undefined ? fallback : spec.baseMs * Math.exp((spec.sigma ?? 0) ** 2 / 2);
  return validationMsPerRecord(
    costs.roundTripMs ?? 10,
    mean(costs.create ?? costs.read, 90),
    mean(costs.delete ?? costs.read, 110),
  );
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function stem(out: string): string {
  return join(dirname(out), basename(out, extname(out)));
}

export function calibrationPath(out: string): string {
  return `${stem(out)}.calibration.json`;
}

function validationDir(out: string): string {
  return `${stem(out)}.validation`;
}
