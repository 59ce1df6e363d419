import { randomUUID } from 'node:crypto';
import { EventEmitter, setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { tableDirectory } from '../../mock-server/index.js';
import { redact } from '../client/auth/redact.js';
import { compressedClientTimes } from '../client/compressedClientTimes.js';
import { DataverseClient } from '../client/DataverseClient.js';
import type { TargetSpec } from '../target/resolveTarget.js';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import { MeasurementSink } from '../metrics/MeasurementSink.js';
import { writeJsonAtomic } from '../output/writeJsonAtomic.js';
import { describeEnvironment } from '../output/environment.js';
import { openRun } from '../output/openRun.js';
import { preflight } from '../target/preflight.js';
import { openRunTarget } from '../target/openRunTarget.js';
import type { RunTarget } from '../target/RunTarget.js';
import { checkTargetSafety } from '../target/targetSafety.js';
import type { LoadedScenario } from '../scenario/loadScenario.js';
import type { PlannedOperation } from '../operations/PlannedOperation.js';
import { planOperations } from '../scenario/planOperations.js';
import { arrivalTimes, rampsOf, totalArrivals, totalMs, type Ramp } from '../scenario/arrivalSchedule.js';
import { generateLoad, type GeneratorInput } from './generateLoad.js';
import { durationMs, type LoadSpec } from '../scenario/loadSchema.js';
import { LoadRecorder } from './LoadRecorder.js';
import type { LoadResults } from './LoadResults.js';
import type { LoadPoint } from './LoadSeries.js';
import { materializeArrival } from './materializeArrival.js';
import { DATAVERSE_LIMITS, limitWarnings } from './limitWarnings.js';

export interface LoadRunOptions {
  readonly outDir: string;
  readonly target: TargetSpec;
  readonly allowWrites?: boolean;
  /** Run the stages scaled to this total length, ms (`--duration`). */
  readonly durationMs?: number;
  readonly signal?: AbortSignal;
}

export interface LoadRunEvents {
  /** `plannedSeconds` in the org's time; a compressed run takes `timeScale` times less. */
  start: [{ plannedSeconds: number; arrivals: number; target: string; warnings: readonly string[]; timeScale: number }];
  point: [LoadPoint, { stage: number; stages: number; remainingSeconds: number }];
  'slo-lost': [{ name: string; from: number; to: number; value: number | null }];
}

interface Connection {
  readonly target: RunTarget;
  readonly client: DataverseClient;
  /** Cancels the load client's requests and waits (not the control client's). */
  readonly cancelling: AbortController;
}

/** The arrival times of a schedule in the org's ms, on a clock `timeScale` times faster. */
function* compressed(orgTimes: Iterator<number>, timeScale: number): Generator<number> {
  for (let t = orgTimes.next(); t.done !== true; t = orgTimes.next()) yield t.value / timeScale;
}

/**
 * A load test's creates get fresh keys as they go, so they cannot be listed in
 * created-records.json before they are sent, as a benchmark's are: against an org, a load test
 * reads, and updates the run's own data (created before it, deleted after it), and meets the
 * run's other rules.
 */
export function checkLoadSafety(loaded: LoadedScenario, options: Pick<LoadRunOptions, 'target' | 'allowWrites'>): void {
  checkTargetSafety(loaded.scenario, options.target, options.allowWrites === true);
  if (options.target.kind !== 'org') return;
  const writing = loaded.scenario.workloads.filter((w) => w.kind !== 'read' && w.kind !== 'update').map((w) => w.kind);
  if (writing.length > 0)
    throw errorCatalogue.DVB_ERR_TARGET_CONFIG(
      `target: a load test against a real org runs read and update workloads only (found ` +
        `${[...new Set(writing)].join(', ')}): its creates ` +
        `would not be listed for cleanup before they are sent. Run them on the mock (--target ` +
        `mock), or as a benchmark (strategies).`,
    );
}

/** The scenario's load section, which `loadScenario` has made sure is there. */
function loadOf(loaded: LoadedScenario): LoadSpec {
  const { load } = loaded.scenario;
  if (load === undefined) throw new Error(`${loaded.path}: no load section`);
  return load;
}

/**
 * A load test: the scenario's workloads at planned arrival rates for the stages' time, on the
 * embedded mock or an org, with a time series, objectives judged per window as it goes, and
 * results.json rewritten (atomically) every few intervals so an interrupted run keeps what it
 * measured.
 */
export class LoadRun extends EventEmitter<LoadRunEvents> {
  readonly #loaded: LoadedScenario;
  readonly #options: LoadRunOptions;
  readonly #load: LoadSpec;
  readonly #ramps: Ramp[];

  constructor(loaded: LoadedScenario, options: LoadRunOptions) {
    super();
    this.#loaded = loaded;
    this.#options = options;
    this.#load = loadOf(loaded);
    const planned = rampsOf(this.#load);
    const scale = options.durationMs === undefined ? 1 : options.durationMs / totalMs(planned);
    this.#ramps = rampsOf(this.#load, scale);
  }

  get resultsPath(): string {
    return `${this.#options.outDir}/results.json`;
  }

  async run(): Promise<LoadResults> {
    checkLoadSafety(this.#loaded, this.#options);
    const skeleton = await openRun(this.#options);
    const { stopping } = skeleton;
    let connection: Connection | undefined;
    const run = { runId: randomUUID(), startedAt: new Date().toISOString() };
    try {
      connection = await this.#connect(run);
      return await this.#measure(connection, stopping, run.runId);
    } finally {
      await connection?.client.close();
      // Whatever ended the run, what it created goes (what cannot is listed for dvbench cleanup).
      await connection?.target.close(false);
      await skeleton.close();
    }
  }

  async #connect(run: { runId: string; startedAt: string }): Promise<Connection> {
    const { scenario } = this.#loaded;
    const { outDir } = this.#options;
    const target = await openRunTarget(scenario, this.#options.target, {
      run: { ...run, outDir, manifestPath: `${outDir}/created-records.json` },
    });
    const cancelling = new AbortController();
    setMaxListeners(0, cancelling.signal);
    const client = new DataverseClient({
      signal: cancelling.signal,
      url: target.url,
      identities: target.identities,
      gates: target.gates.gates,
      connections: this.#load.maxInFlight,
      affinityCookie: scenario.affinityCookie,
      bypassCustomLogic: scenario.bypassCustomLogic,
      scheduledArrivals: true,
      ...compressedClientTimes(target.worker.timeScale ?? 1),
    });
    try {
      await preflight(target.control, target.url);
    } catch (error) {
      await client.close();
      await target.close(false);
      throw error;
    }
    return { target, client, cancelling };
  }

  async #templates(connection: Connection): Promise<Map<number, PlannedOperation[]>> {
    const { scenario } = this.#loaded;
    const { target } = connection;
    const tables = tableDirectory(scenario.mock.tables);
    const rows = await target.prepare();
    const byWorkload = new Map<number, PlannedOperation[]>();
    for (const op of planOperations(scenario, tables, rows, (label) => target.ids.idFor(label))) {
      const list = byWorkload.get(op.workload);
      if (list === undefined) byWorkload.set(op.workload, [op]);
      else list.push(op);
    }
    return byWorkload;
  }

  #weights(templates: ReadonlyMap<number, readonly PlannedOperation[]>): { workload: number; weight: number }[] {
    const { workloads } = this.#loaded.scenario;
    const mix = this.#load.mix;
    return workloads.flatMap((w, i) => {
      const name = w.name ?? `workload ${i}`;
      const weight = mix === undefined ? w.count : (mix[name] ?? 0);
      return weight > 0 && (templates.get(i)?.length ?? 0) > 0 ? [{ workload: i, weight }] : [];
    });
  }

  #generatorInput(
    connection: Connection,
    signal: AbortSignal,
    templates: ReadonlyMap<number, readonly PlannedOperation[]>,
    sink: MeasurementSink,
    recorder: LoadRecorder,
  ): GeneratorInput {
    // The sink was made on the client's clock: the embedded mock's `timeScale`, 1 on an org.
    const { timeScale } = sink;
    return {
      client: connection.client,
      sink,
      arrivals: compressed(arrivalTimes(this.#ramps), timeScale),
      timeScale,
      templates,
      weights: this.#weights(templates),
      maxInFlight: this.#load.maxInFlight,
      lateMs: this.#load.lateMs,
      gracefulStopMs: durationMs(this.#load.gracefulStop) / timeScale,
      signal,
      cancel: () => {
        connection.cancelling.abort('graceful stop');
      },
      materialize: materializeArrival,
      onArrival: (at, workload, sent, lateBy) => {
        recorder.arrival(at, workload, sent, lateBy);
      },
      onOutcome: (o) => {
        recorder.outcome(o);
      },
      onInFlight: (n) => {
        recorder.inFlight(n);
      },
    };
  }

  async #measure(connection: Connection, stopping: AbortController, runId: string): Promise<LoadResults> {
    const templates = await this.#templates(connection);
    const { timeScale } = connection.client;
    const sink = new MeasurementSink(timeScale);
    const { target } = connection;
    const warnings = limitWarnings(
      { maxInFlight: this.#load.maxInFlight, ramps: this.#ramps, identities: target.identities.length },
      target.kind === 'mock' ? this.#loaded.scenario.mock.limits : DATAVERSE_LIMITS,
    );
    const recorder = new LoadRecorder({
      warnings,
      loaded: this.#loaded,
      load: this.#load,
      ramps: this.#ramps,
      runId,
      target: connection.target.url,
      server: () => connection.target.snapshot(),
      mockCosts: connection.target.kind === 'mock' ? this.#loaded.mockCosts : null,
      environment: describeEnvironment(),
      sink,
      client: connection.client,
    });
    const planned = totalArrivals(this.#ramps);
    this.emit('start', {
      plannedSeconds: totalMs(this.#ramps) / 1000,
      arrivals: planned,
      target: connection.target.url,
      warnings,
      timeScale,
    });
    const intervalMs = durationMs(this.#load.interval) / timeScale;
    let ticker: NodeJS.Timeout | undefined;
    let startedAt = performance.now();
    let saving = Promise.resolve();
    // Every time the recorder and the objectives see is the org's.
    const orgNow = (): number => (performance.now() - startedAt) * timeScale;
    const tick = (final: boolean): void => {
      const now = orgNow();
      const { point, lost } = recorder.closeInterval(now, final);
      if (point !== undefined) this.emit('point', point, recorder.progress(now));
      for (const l of lost) this.emit('slo-lost', l);
      if (lost.length > 0 && this.#load.abortOnFail && !stopping.signal.aborted) {
        recorder.stoppedEarly ??= `objective lost: ${lost[0]?.name ?? ''}`;
        stopping.abort('slo');
      }
      if (!final && recorder.points % 5 === 0)
        saving = saving.then(() => writeJsonAtomic(this.resultsPath, recorder.results(true, now)));
    };
    try {
      const totals = await generateLoad(
        this.#generatorInput(connection, stopping.signal, templates, sink, recorder),
        (at) => {
          startedAt = at;
          recorder.start();
          ticker = setInterval(() => {
            tick(false);
          }, intervalMs);
        },
      );
      recorder.planned = planned;
      recorder.totals = totals;
    } catch (error) {
      recorder.stoppedEarly ??= `error: ${redact(error instanceof Error ? error.message : String(error))}`;
      throw error;
    } finally {
      clearInterval(ticker);
      if (this.#options.signal?.aborted === true) recorder.stoppedEarly ??= 'interrupted';
      tick(true);
      await saving;
      await recorder.pollServer();
      const final = recorder.results(false, orgNow());
      await writeJsonAtomic(this.resultsPath, final);
    }
    return recorder.results(false, orgNow());
  }
}
