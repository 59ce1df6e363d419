import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { tableDirectory, type TableEntry } from '../../mock-server/index.js';
import { redact } from '../client/auth/redact.js';
import type { TargetSpec } from '../target/resolveTarget.js';
import { DvbenchError } from '../errors/DvbenchError.js';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import { writeJsonAtomic } from '../output/writeJsonAtomic.js';
import type { StrategySpec } from '../strategies/strategyKinds.js';
import type { LoadedScenario } from '../scenario/loadScenario.js';
import type { PlannedOperation } from '../operations/PlannedOperation.js';
import { planOperations } from '../scenario/planOperations.js';
import { aggregateStrategy, compareStrategies, workloadName, type MeasuredRepetition } from './aggregateStrategy.js';
import { auditIntegrity, idsOfTables, writtenTables, type IntegrityReport } from './auditIntegrity.js';
import { openRun } from '../output/openRun.js';
import { preflight } from '../target/preflight.js';
import { fingerprint } from '../target/prepareData.js';
import type { DataverseClient } from '../client/DataverseClient.js';
import { runRepetition, type RepetitionRun } from './runRepetition.js';
import type { ServerSnapshot } from '../target/prepareData.js';
import { runScriptCleanups } from './runScriptChecks.js';
import { checkWorkerMemory } from './workerMemory.js';
import { busyClientWarning, repetitionResult, serverDelta } from './summarizeRepetition.js';
import { compressionShortfallWarning } from './compressionWarning.js';
import type { RunResults } from './RunResults.js';
import { openRunTarget } from '../target/openRunTarget.js';
import type { RunTarget } from '../target/RunTarget.js';
import { checkTargetSafety } from '../target/targetSafety.js';
import { RUN_TAG_VARIABLE } from '../strategies/runScript.js';
import { estimateRepetition } from '../estimate/estimateStrategy.js';
import { repetitionOverheadMs } from './dryRun.js';
import { resultsOf, operationsOf, type RunState } from './resultsOf.js';
import type { RunEvents } from './RunEvents.js';
import { costWarning } from './costWarning.js';
import { selectStrategies } from './selectStrategies.js';

/** Unset options (undefined) take the scenario's values: callers pass their flags through as they are. */
export interface RunOptions {
  /** Where results.json goes. */
  readonly outDir: string;
  readonly target: TargetSpec;
  /** Overrides the scenario's repetitions / warm-up. */
  readonly repetitions?: number | undefined;
  readonly warmup?: number | undefined;
  /**
   * A warm-up repetition runs only the first this many planned operations: enough to open the
   * connections and compile the code, where the whole plan would cost an org as many requests
   * again as the measured repetition (the calibration's validation). Default: the whole plan.
   */
  readonly warmupOperations?: number | undefined;
  /** Run only these strategies (by name, e.g. async:8). */
  readonly only?: readonly string[] | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Against an org: allow what writes there (creating the scenario's data, and any workload that writes). */
  readonly allowWrites?: boolean | undefined;
  /** Against an org: keep the data and the last repetition's records instead of deleting them. */
  readonly keep?: boolean | undefined;
  /** Run only this deterministic slice of the planned operations: shard `index` (1-based) of `count`. */
  readonly shard?: { readonly index: number; readonly count: number } | undefined;
  /**
   * Audit what each repetition wrote. @default true. `dvbench forecast` turns it off: it asks
   * how long a job takes, and reading back a million records would take longer than the job.
   */
  readonly audit?: boolean | undefined;
}

/** What a repetition's figures should be read with: a busy load generator, or too much compression. */
function repetitionWarning(
  run: RepetitionRun,
  server: { readonly before: ServerSnapshot | undefined; readonly after: ServerSnapshot | undefined },
  spec: StrategySpec,
  repetition: number,
): string | undefined {
  return (
    busyClientWarning(run, repetition) ??
    compressionShortfallWarning(run, server, run.meanWorkers ?? spec.concurrency, repetition)
  );
}

/** Errors that end a run before its first strategy, as a failed run rather than a crash. */
const RUN_STOPPERS: ReadonlySet<string> = new Set(['DVB_ERR_TARGET_UNREACHABLE', 'DVB_ERR_AUTH']);

/** One repetition to run: which strategy, which round, on what plan. */
interface RepetitionTask {
  readonly spec: StrategySpec;
  readonly rep: number;
  readonly warmup: number;
  readonly plan: { ops: PlannedOperation[]; dataFingerprint: string };
  readonly target: RunTarget;
  readonly stopping: AbortController;
  readonly lastOfRun: boolean;
  readonly state: RunState;
}

interface RepetitionOutcome {
  readonly measured?: MeasuredRepetition;
  readonly aborted?: { reason: string; fatal: boolean };
  readonly warning?: string;
}

/**
 * The main job: for each strategy, resets and seeds the target, plans the same operations,
 * runs warm-up and measured repetitions, audits them and judges them. results.json is
 * rewritten atomically after every strategy (marked partial until the end), so an interrupted
 * run keeps what it finished. Emits events; reporters listen.
 */
export class ScenarioRun extends EventEmitter<RunEvents> {
  readonly #loaded: LoadedScenario;
  readonly #options: RunOptions;
  readonly #tables: ReadonlyMap<string, TableEntry>;
  /** Rejects, after stopping the run, when the embedded mock's process dies under it. */
  #targetDied: Promise<never> | undefined;

  constructor(loaded: LoadedScenario, options: RunOptions) {
    super();
    this.#loaded = loaded;
    this.#options = options;
    this.#tables = tableDirectory(loaded.scenario.mock.tables);
  }

  get resultsPath(): string {
    return `${this.#options.outDir}/results.json`;
  }

  /** Records created in an org, listed before they are created (see createdRecords.ts). */
  get manifestPath(): string {
    return `${this.#options.outDir}/created-records.json`;
  }

  async run(): Promise<RunResults> {
    const options = this.#options;
    const specs = selectStrategies(this.#loaded, options.only);
    checkTargetSafety(this.#loaded.scenario, options.target, options.allowWrites === true);
    const memoryWarnings = checkWorkerMemory(specs);
    // Stops the work when the user interrupts, or when the target fails under it (the mock died).
    const skeleton = await openRun(options);
    const { stopping } = skeleton;
    const state = this.#newState();
    state.warnings.push(...memoryWarnings);
    // Script workloads read the run's tag here; worker threads and processes inherit it.
    const previousTag = process.env[RUN_TAG_VARIABLE];
    process.env[RUN_TAG_VARIABLE] = `dvb-${state.runId.slice(0, 8)}`;
    let target: RunTarget | undefined;
    try {
      target = await this.#connect(state);
      state.targetUrl = target.url;
      this.#watchTarget(target, stopping);
      await this.#preflight(target, state);
      if (state.runError === null) await this.#runStrategies(specs, state, target, stopping);
      // Closed before the results are final: what the clean-up could not delete is in them.
      const closing = target;
      target = undefined;
      await this.#close(closing, state);
      return await this.#finish(state);
    } catch (error) {
      stopping.abort('error');
      state.interruption = `error: ${redact(error instanceof Error ? error.message : String(error))}`;
      const closing = target;
      target = undefined;
      if (closing !== undefined) await this.#close(closing, state).catch(() => undefined);
      await this.#save(state, true).catch(() => undefined);
      throw error;
    } finally {
      if (previousTag === undefined) Reflect.deleteProperty(process.env, RUN_TAG_VARIABLE);
      else process.env[RUN_TAG_VARIABLE] = previousTag;
      await target?.close(this.#options.keep === true).catch(() => undefined);
      await skeleton.close();
    }
  }

  #newState(): RunState {
    const { target } = this.#options;
    const state: RunState = {
      runId: randomUUID(),
      startedAt: new Date().toISOString(),
      results: [],
      warnings: [],
      plannedOps: [],
      interruption: null,
      runError: null,
      targetUrl: target.kind === 'org' ? target.url : '',
      setup: null,
    };
    if (target.kind === 'mock') {
      const warning = costWarning(this.#loaded);
      if (warning !== undefined) state.warnings.push(warning);
    }
    return state;
  }

  /** Removes what the run created on the target (unless --keep); what it could not is a warning. */
  async #close(target: RunTarget, state: RunState): Promise<void> {
    const warnings = await target.close(this.#options.keep === true);
    state.setup = { ...target.setup };
    for (const w of warnings) {
      state.warnings.push(w);
      this.emit('warning', w);
    }
  }

  /** One handler for the run: each repetition races its work against it, and it is never left unhandled. */
  #watchTarget(target: RunTarget, stopping: AbortController): void {
    this.#targetDied = target.died?.catch((error: unknown) => {
      stopping.abort('target failed');
      throw error;
    });
    this.#targetDied?.catch(() => undefined);
  }

  /** The target is there to judge: a run that cannot start is a failed run, with reports that say why. */
  async #preflight(target: RunTarget, state: RunState): Promise<void> {
    try {
      await preflight(target.control, target.url);
    } catch (error) {
      if (!(error instanceof DvbenchError) || !RUN_STOPPERS.has(error.code)) throw error;
      state.runError = `the run could not start: ${redact(error.message)}`;
    }
  }

  async #finish(state: RunState): Promise<RunResults> {
    const userSignal = this.#options.signal;
    if (userSignal?.aborted === true) {
      state.interruption = typeof userSignal.reason === 'string' ? userSignal.reason : 'interrupted';
      await this.#save(state, true);
      return resultsOf(this.#loaded, this.#options, state, true);
    }
    await this.#save(state, false);
    const final = resultsOf(this.#loaded, this.#options, state, false);
    this.emit('done', final);
    return final;
  }

  #connect(state: RunState): Promise<RunTarget> {
    const { outDir } = this.#options;
    const run = { runId: state.runId, startedAt: state.startedAt, manifestPath: this.manifestPath, outDir };
    return openRunTarget(this.#loaded.scenario, this.#options.target, {
      run,
      onSetup: (p) => this.emit('setup', p),
    });
  }

  /** Puts the scenario's data in place on the target (identical for every repetition) and plans this run's slice. */
  async #plan(target: RunTarget): Promise<{ ops: PlannedOperation[]; dataFingerprint: string }> {
    const { scenario } = this.#loaded;
    const rows = await target.prepare();
    const all = planOperations(scenario, this.#tables, rows, (label) => target.ids.idFor(label));
    // Every shard plans the same list and keeps every count-th item: disjoint records, since
    // the planner gives each record to one operation only.
    const shard = this.#options.shard;
    const ops = shard === undefined ? all : all.filter((_, k) => k % shard.count === shard.index - 1);
    return { ops, dataFingerprint: fingerprint([...rows.entries()]) };
  }

  /** What reporters learn before the first strategy: the plan, and the cost model's estimate of each strategy. */
  #startEvent(
    specs: readonly StrategySpec[],
    ops: readonly PlannedOperation[],
    target: RunTarget,
    repetitionsEach: number,
  ): RunEvents['start'][0] {
    const { scenario } = this.#loaded;
    return {
      scenario: scenario.name,
      strategies: specs.map((s) => s.name),
      operations: operationsOf(ops),
      target: target.url,
      targetKind: target.kind,
      estimates: specs.map((spec) => ({
        name: spec.name,
        repetitionMs: estimateRepetition(scenario, spec, ops, target.kind).ms,
        overheadMs: repetitionOverheadMs(scenario, spec),
      })),
      repetitionsEach,
      timeScale: target.worker.timeScale ?? 1,
    };
  }

  async #runStrategies(
    specs: readonly StrategySpec[],
    state: RunState,
    target: RunTarget,
    stopping: AbortController,
  ): Promise<void> {
    const { scenario } = this.#loaded;
    const repetitions = this.#options.repetitions ?? scenario.repetitions;
    const warmup = this.#options.warmup ?? scenario.warmup;
    // A function, not the property: the signal changes under us while awaiting, which narrowing cannot see.
    const stopped = (): boolean => stopping.signal.aborted;
    // The first plan serves the first repetition too: its reset and seed are what that repetition needs.
    let prepared: { ops: PlannedOperation[]; dataFingerprint: string } | undefined = await this.#plan(target);
    state.plannedOps = prepared.ops;
    this.emit('start', this.#startEvent(specs, state.plannedOps, target, warmup + repetitions));
    for (const [index, spec] of specs.entries()) {
      if (stopped()) break;
      this.emit('strategy-start', {
        name: spec.name,
        index,
        count: specs.length,
        repetitions,
        warmup,
        operations: operationsOf(state.plannedOps),
      });
      const measured: MeasuredRepetition[] = [];
      const strategyWarnings: string[] = [];
      let complete = true;
      let aborted: string | null = null;
      for (let rep = 0; rep < warmup + repetitions; rep++) {
        if (stopped()) {
          complete = false;
          break;
        }
        const plan = prepared ?? (await this.#plan(target));
        prepared = undefined;
        const lastOfRun = index === specs.length - 1 && rep === warmup + repetitions - 1;
        const outcome = await this.#repetition({ spec, rep, warmup, plan, target, stopping, lastOfRun, state });
        if (outcome.aborted !== undefined) {
          aborted = outcome.aborted.reason;
          complete = false;
          if (outcome.aborted.fatal) {
            state.runError = `the run stopped: ${outcome.aborted.reason}`;
            stopping.abort('target failed');
          }
        }
        if (outcome.measured !== undefined) measured.push(outcome.measured);
        if (outcome.warning !== undefined) strategyWarnings.push(outcome.warning);
        if (aborted !== null || stopped()) {
          complete = false;
          break;
        }
      }
      this.#finishStrategy(spec, measured, { complete, aborted, warnings: [...new Set(strategyWarnings)] }, state);
      await this.#save(state, true);
    }
  }

  #finishStrategy(
    spec: StrategySpec,
    measured: readonly MeasuredRepetition[],
    outcome: { complete: boolean; aborted: string | null; warnings: string[] },
    state: RunState,
  ): void {
    // A strategy aborted before any measured repetition still gets its verdict: failed, with why.
    if (measured.length === 0 && outcome.aborted === null) return;
    const aggregated = aggregateStrategy(spec, measured, outcome, this.#loaded.scenario);
    state.results.push(aggregated);
    for (const w of aggregated.warnings) {
      state.warnings.push(`${spec.name}: ${w}`);
      this.emit('warning', `${spec.name}: ${w}`);
    }
    this.emit('strategy-end', compareStrategies(state.results).strategies.at(-1) ?? aggregated);
  }

  /** What a repetition wrote, read back: every acknowledged write there, nothing else (see `auditIntegrity`). */
  async #audit(
    control: DataverseClient,
    run: RepetitionRun,
    ops: readonly PlannedOperation[],
    idsBefore: Awaited<ReturnType<typeof idsOfTables>> | undefined,
  ): Promise<IntegrityReport> {
    const after = idsBefore === undefined ? undefined : await idsOfTables(control, this.#tables, writtenTables(ops));
    return auditIntegrity(control, ops, this.#tables, {
      failed: new Set(run.sink.failedIds),
      ids: idsBefore === undefined || after === undefined ? null : { before: idsBefore, after },
    });
  }

  /** A repetition's plan: a warm-up runs the first `warmupOperations` operations when set. */
  #planOf(plan: RepetitionTask['plan'], isWarmup: boolean): RepetitionTask['plan'] {
    const short = this.#options.warmupOperations;
    return !isWarmup || short === undefined ? plan : { ...plan, ops: plan.ops.slice(0, Math.max(1, short)) };
  }

  async #repetition(input: RepetitionTask): Promise<RepetitionOutcome> {
    const { spec, rep, warmup, target, stopping } = input;
    const isWarmup = rep < warmup;
    const plan = this.#planOf(input.plan, isWarmup);
    const { control } = target;
    const total = operationsOf(plan.ops);
    // Whole tables are counted only where every record in them is the run's own.
    const audited = !isWarmup && this.#options.audit !== false;
    const idsBefore =
      !target.ownsTables || !audited ? undefined : await idsOfTables(control, this.#tables, writtenTables(plan.ops));
    await target.beforeRepetition(plan.ops);
    // After the set-up's own requests: the server's figures are the repetition's alone.
    const before = await target.snapshot();
    const run = await runRepetition({
      spec,
      ops: plan.ops,
      targetUrl: target.url,
      target: target.worker,
      identities: target.identities,
      gates: target.gates,
      connections: this.#loaded.scenario.connections,
      failFast: this.#loaded.scenario.failFast,
      phases: this.#loaded.scenario.phases,
      signal: stopping.signal,
      targetDied: this.#targetDied,
      onProgress: (done) => {
        this.emit('progress', { name: spec.name, repetition: rep - warmup + 1, warmup: isWarmup, done, total });
      },
    });
    if (stopping.signal.aborted && run.aborted === undefined) return {};
    const after = await target.snapshot();
    // Audited after every measured repetition, before the next reset wipes the evidence.
    const integrity =
      !audited || run.aborted !== undefined ? undefined : await this.#audit(control, run, plan.ops, idsBefore);
    const keep = input.lastOfRun && this.#options.keep === true;
    const leftovers = [
      ...(keep ? [] : await runScriptCleanups(control, plan.ops)),
      ...(await target.afterRepetition(plan.ops, keep)),
    ];
    for (const w of leftovers) input.state.warnings.push(w);
    const server = serverDelta(before, after);
    const result = repetitionResult(run, server, after, plan, (w) => workloadName(this.#loaded.scenario, w));
    this.emit('repetition', {
      name: spec.name,
      repetition: rep - warmup + 1,
      warmup: isWarmup,
      wallMs: result.wallMs,
      opsPerSec: result.opsPerSec,
      failed: run.sink.failedOperations,
    });
    const { aborted } = run;
    // An aborted warm-up is kept as the strategy's one (incomplete) repetition: it is the only
    // evidence of why the strategy cannot succeed, with its causes and counts.
    if (isWarmup && aborted === undefined) return {};
    const warning = repetitionWarning(run, { before, after }, spec, rep - warmup + 1);
    const { sink, counters, client } = run;
    return {
      measured: { integrity, result, realWallMs: run.wallMs, sink, counters, client, server },
      ...(aborted === undefined ? {} : { aborted }),
      ...(warning === undefined ? {} : { warning }),
    };
  }

  async #save(state: RunState, partial: boolean): Promise<void> {
    try {
      await writeJsonAtomic(this.resultsPath, resultsOf(this.#loaded, this.#options, state, partial));
    } catch (error) {
      if (error instanceof DvbenchError) throw error;
      throw errorCatalogue.DVB_ERR_REPORT_WRITE(
        `could not write ${this.resultsPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  }
}
