import { randomUUID } from 'node:crypto';
import { EventEmitter, setMaxListeners } from 'node:events';
import { tableDirectory, type TableEntry } from '../../mock-server/index.js';
import { redact } from '../client/auth/redact.js';
import type { TokenProvider } from '../client/auth/TokenProvider.js';
import { DataverseClient } from '../client/DataverseClient.js';
import type { TargetSpec } from '../client/target/resolveTarget.js';
import { DvbenchError } from '../errors/DvbenchError.js';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import { writeJsonAtomic } from '../report/writeJsonAtomic.js';
import { expandStrategies, type StrategySpec } from '../scenario/expandStrategies.js';
import type { LoadedScenario } from '../scenario/loadScenario.js';
import type { PlannedOperation } from '../scenario/PlannedOperation.js';
import { planOperations } from '../scenario/planOperations.js';
import type { RunGates } from '../strategies/StrategyContext.js';
import type { WorkerTarget } from '../strategies/workerProtocol.js';
import { aggregateStrategy, compareStrategies, type MeasuredRepetition } from './aggregateStrategy.js';
import { auditIntegrity, idsOfTables, writtenTables } from './auditIntegrity.js';
import { deleteCreated, plannedCreates, recordPlannedCreates } from './createdRecords.js';
import { describeEnvironment } from './environment.js';
import { lockOutputFolder } from './outputFolder.js';
import { preflight } from './preflight.js';
import { fetchRows, fingerprint, resetAndSeed, serverSnapshot } from './prepareData.js';
import { runRepetition } from './runRepetition.js';
import { busyClientWarning, repetitionResult, serverDelta } from './summarizeRepetition.js';
import { RESULTS_SCHEMA_VERSION, type RunResults, type StrategyResult } from './RunResults.js';
import type { EmbeddedMock } from './startEmbeddedMock.js';
import { openTarget } from './openTarget.js';
import { checkTargetSafety } from './targetSafety.js';
import { RUN_TAG_VARIABLE } from '../strategies/runScript.js';
import { judgeRun } from './verdict.js';

export interface RunOptions {
  /** Where results.json goes. */
  readonly outDir: string;
  readonly target: TargetSpec;
  /** Overrides the scenario's repetitions / warm-up. */
  readonly repetitions?: number;
  readonly warmup?: number;
  /** Run only these strategies (by name, e.g. async:8). */
  readonly only?: readonly string[];
  readonly signal?: AbortSignal;
  /** Against an org: allow the workloads that create records (insert, transactional). */
  readonly allowWrites?: boolean;
  /** Against an org: keep the records of the last repetition instead of deleting them. */
  readonly keep?: boolean;
  /** Run only this deterministic slice of the planned operations: shard `index` (1-based) of `count`. */
  readonly shard?: { readonly index: number; readonly count: number };
}

/** Events a reporter can listen to; none of them sits inside the measuring loop. */
export interface RunEvents {
  start: [{ scenario: string; strategies: string[]; operations: number; target: string; targetKind: 'mock' | 'org' }];
  'strategy-start': [
    { name: string; index: number; count: number; repetitions: number; warmup: number; operations: number },
  ];
  progress: [{ name: string; repetition: number; warmup: boolean; done: number; total: number }];
  repetition: [
    { name: string; repetition: number; warmup: boolean; wallMs: number; opsPerSec: number; failed: number },
  ];
  'strategy-end': [StrategyResult];
  warning: [string];
  done: [RunResults];
}

function countByKind(ops: readonly PlannedOperation[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const op of ops) out[op.kind] = (out[op.kind] ?? 0) + op.ops;
  return out;
}

function operationsOf(ops: readonly PlannedOperation[]): number {
  return ops.reduce((a, op) => a + op.ops, 0);
}

/** True when the scenario gives the mock no service time at all: every operation is free. */
function costsNothing(scenario: LoadedScenario['scenario']): boolean {
  const l = scenario.mock.latency;
  const specs = [
    l.default,
    l.read,
    l.create,
    l.update,
    l.delete,
    l.batch,
    l.batchItem,
    l.bulk,
    l.bulkCreate,
    l.bulkUpdate,
  ];
  return (
    specs.every((x) => x === undefined || (x.baseMs === 0 && x.spreadMs === 0)) &&
    l.perRecordMs === 0 &&
    l.roundTripMs === 0
  );
}

/** The mock's figures describe this machine, not Dataverse, when its costs are zero: say so in the run. */
function costWarning(loaded: LoadedScenario): string | undefined {
  if (!costsNothing(loaded.scenario)) return undefined;
  const which =
    loaded.mockCosts.profile === 'zero' ? "with the 'zero' profile (no costs)" : 'with no costs (no latency set)';
  return `the mock ran ${which}: its figures describe this machine's client and HTTP stack, not Dataverse; use the 'default' profile or a calibrated one to compare strategies as an org would`;
}

/** Errors that end a run before its first strategy, as a failed run rather than a crash. */
const RUN_STOPPERS: ReadonlySet<string> = new Set(['DVB_ERR_TARGET_UNREACHABLE', 'DVB_ERR_AUTH']);

/** Forwards the user's interrupt to the run's own controller; returns the unlinking function. */
function linkSignal(userSignal: AbortSignal | undefined, stopping: AbortController): () => void {
  const forward = (): void => {
    stopping.abort(userSignal?.reason);
  };
  if (userSignal?.aborted === true) forward();
  else userSignal?.addEventListener('abort', forward, { once: true });
  return () => {
    userSignal?.removeEventListener('abort', forward);
  };
}

/** The strategies to run: all of the scenario's, or those `--strategies` named. */
export function selectStrategies(loaded: LoadedScenario, only: readonly string[] | undefined): StrategySpec[] {
  const all = expandStrategies(loaded.scenario.strategies);
  const specs = all.filter((s) => only === undefined || only.includes(s.name));
  if (specs.length === 0)
    throw errorCatalogue.DVB_ERR_USAGE(
      `no strategy left to run: --strategies named none of ${all.map((s) => s.name).join(', ')}`,
    );
  return specs;
}

/** What one run holds while it goes: everything results.json is made of. */
interface RunState {
  readonly runId: string;
  readonly startedAt: string;
  readonly results: StrategyResult[];
  readonly warnings: string[];
  plannedOps: readonly PlannedOperation[];
  interruption: string | null;
  /** Why the run as a whole could not go on (target unreachable, sign-in refused), or null. */
  runError: string | null;
  targetUrl: string;
}

/** One repetition to run: which strategy, which round, on what plan. */
interface RepetitionTask {
  readonly spec: StrategySpec;
  readonly rep: number;
  readonly warmup: number;
  readonly plan: { ops: PlannedOperation[]; dataFingerprint: string };
  readonly connection: Connection;
  readonly stopping: AbortController;
  readonly lastOfRun: boolean;
  readonly state: RunState;
}

interface RepetitionOutcome {
  readonly measured?: MeasuredRepetition;
  readonly aborted?: { reason: string; fatal: boolean };
  readonly warning?: string;
}

/** The run's connection to its target: identities, their shared Retry-After gates, a control client. */
interface Connection {
  readonly mock: EmbeddedMock | undefined;
  readonly url: string;
  readonly identities: readonly TokenProvider[];
  readonly gates: RunGates;
  readonly control: DataverseClient;
  readonly worker: WorkerTarget;
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
    const release = await lockOutputFolder(options.outDir);
    // Stops the work when the user interrupts, or when the target fails under it (the mock died).
    const stopping = new AbortController();
    // Every in-flight request listens to this signal; hundreds at once are expected, not a leak.
    setMaxListeners(0, stopping.signal);
    const unlink = linkSignal(options.signal, stopping);
    const state = this.#newState();
    // Script workloads read the run's tag here; worker threads and processes inherit it.
    const previousTag = process.env[RUN_TAG_VARIABLE];
    process.env[RUN_TAG_VARIABLE] = `dvb-${state.runId.slice(0, 8)}`;
    let connection: Connection | undefined;
    try {
      connection = await this.#connect();
      state.targetUrl = connection.url;
      this.#watchTarget(connection, stopping);
      await this.#preflight(connection, state);
      if (state.runError === null) await this.#runStrategies(specs, state, connection, stopping);
      return await this.#finish(state);
    } catch (error) {
      stopping.abort('error');
      state.interruption = `error: ${redact(error instanceof Error ? error.message : String(error))}`;
      await this.#save(state, true).catch(() => undefined);
      throw error;
    } finally {
      if (previousTag === undefined) Reflect.deleteProperty(process.env, RUN_TAG_VARIABLE);
      else process.env[RUN_TAG_VARIABLE] = previousTag;
      unlink();
      await connection?.control.close();
      await connection?.mock?.stop();
      await release();
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
    };
    if (target.kind === 'mock') {
      const warning = costWarning(this.#loaded);
      if (warning !== undefined) state.warnings.push(warning);
    }
    return state;
  }

  /** One handler for the run: each repetition races its work against it, and it is never left unhandled. */
  #watchTarget(connection: Connection, stopping: AbortController): void {
    this.#targetDied = connection.mock?.died.catch((error: unknown) => {
      stopping.abort('target failed');
      throw error;
    });
    this.#targetDied?.catch(() => undefined);
  }

  /** The target is there to judge: a run that cannot start is a failed run, with reports that say why. */
  async #preflight(connection: Connection, state: RunState): Promise<void> {
    try {
      await preflight(connection.control, connection.url);
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
      return this.#snapshot(state, true);
    }
    await this.#save(state, false);
    const final = this.#snapshot(state, false);
    this.emit('done', final);
    return final;
  }

  async #connect(): Promise<Connection> {
    const { scenario } = this.#loaded;
    const target = this.#options.target;
    return openTarget(scenario, target, ({ mock, url, identities, gates }) => {
      const { affinityCookie, bypassCustomLogic } = scenario;
      const worker: WorkerTarget =
        target.kind === 'org'
          ? {
              url,
              affinityCookie,
              bypassCustomLogic,
              identities: {
                kind: 'org',
                specs: target.identities,
                ...(target.authorityHost === undefined ? {} : { authorityHost: target.authorityHost }),
              },
            }
          : { url, affinityCookie, bypassCustomLogic, identities: { kind: 'mock', count: scenario.identities } };
      // The control client's calls (planning, audit) wait at the same gates as the work.
      const control = new DataverseClient({ url, identities, gates: gates.gates, connections: 2 });
      return Promise.resolve({ mock, url, identities, gates, control, worker });
    });
  }

  /** Resets and seeds the mock (each repetition starts from identical data) and plans this run's slice. */
  async #plan(connection: Connection): Promise<{ ops: PlannedOperation[]; dataFingerprint: string }> {
    const { scenario } = this.#loaded;
    if (connection.mock !== undefined) await resetAndSeed(connection.mock.url, scenario);
    const rows = await fetchRows(connection.control, scenario, this.#tables);
    const all = planOperations(scenario, this.#tables, rows);
    // Every shard plans the same list and keeps every count-th item: disjoint records, since
    // the planner gives each record to one operation only.
    const shard = this.#options.shard;
    const ops = shard === undefined ? all : all.filter((_, k) => k % shard.count === shard.index - 1);
    return { ops, dataFingerprint: fingerprint([...rows.entries()]) };
  }

  async #runStrategies(
    specs: readonly StrategySpec[],
    state: RunState,
    connection: Connection,
    stopping: AbortController,
  ): Promise<void> {
    const { scenario } = this.#loaded;
    const repetitions = this.#options.repetitions ?? scenario.repetitions;
    const warmup = this.#options.warmup ?? scenario.warmup;
    // A function, not the property: the signal changes under us while awaiting, which narrowing cannot see.
    const stopped = (): boolean => stopping.signal.aborted;
    // The first plan serves the first repetition too: its reset and seed are what that repetition needs.
    let prepared: { ops: PlannedOperation[]; dataFingerprint: string } | undefined = await this.#plan(connection);
    state.plannedOps = prepared.ops;
    this.emit('start', {
      scenario: scenario.name,
      strategies: specs.map((s) => s.name),
      operations: operationsOf(state.plannedOps),
      target: connection.url,
      targetKind: this.#options.target.kind,
    });
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
        const plan = prepared ?? (await this.#plan(connection));
        prepared = undefined;
        const lastOfRun = index === specs.length - 1 && rep === warmup + repetitions - 1;
        const outcome = await this.#repetition({ spec, rep, warmup, plan, connection, stopping, lastOfRun, state });
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

  async #repetition(input: RepetitionTask): Promise<RepetitionOutcome> {
    const { spec, rep, warmup, plan, connection, stopping } = input;
    const isWarmup = rep < warmup;
    const { mock, control } = connection;
    const total = operationsOf(plan.ops);
    const before = mock === undefined ? undefined : await serverSnapshot(mock.url);
    const written = writtenTables(plan.ops);
    const idsBefore = mock === undefined || isWarmup ? undefined : await idsOfTables(control, this.#tables, written);
    const creates = await this.#recordCreates(input);
    const run = await runRepetition({
      spec,
      ops: plan.ops,
      targetUrl: connection.url,
      target: connection.worker,
      identities: connection.identities,
      gates: connection.gates,
      connections: this.#loaded.scenario.connections,
      failFast: this.#loaded.scenario.failFast,
      signal: stopping.signal,
      targetDied: this.#targetDied,
      onProgress: (done) => {
        this.emit('progress', { name: spec.name, repetition: rep - warmup + 1, warmup: isWarmup, done, total });
      },
    });
    if (stopping.signal.aborted && run.aborted === undefined) return {};
    const after = mock === undefined ? undefined : await serverSnapshot(mock.url);
    // Audited after every measured repetition, before the next reset wipes the evidence.
    const integrity =
      isWarmup || run.aborted !== undefined
        ? undefined
        : await auditIntegrity(control, plan.ops, this.#tables, {
            failed: new Set(run.sink.failedIds),
            ids:
              idsBefore === undefined
                ? null
                : { before: idsBefore, after: await idsOfTables(control, this.#tables, written) },
          });
    await this.#cleanUp(input, creates);
    const server = serverDelta(before, after);
    const result = repetitionResult(run, server, after, plan);
    this.emit('repetition', {
      name: spec.name,
      repetition: rep - warmup + 1,
      warmup: isWarmup,
      wallMs: run.wallMs,
      opsPerSec: result.opsPerSec,
      failed: run.sink.failedOperations,
    });
    const { aborted } = run;
    // An aborted warm-up is kept as the strategy's one (incomplete) repetition: it is the only
    // evidence of why the strategy cannot succeed, with its causes and counts.
    if (isWarmup && aborted === undefined) return {};
    const warning = busyClientWarning(run, rep - warmup + 1);
    const { sink, counters, client } = run;
    return {
      measured: { integrity, result, sink, counters, client, server },
      ...(aborted === undefined ? {} : { aborted }),
      ...(warning === undefined ? {} : { warning }),
    };
  }

  /** On an org, what this repetition will create is written down before anything is sent. */
  async #recordCreates(input: RepetitionTask): Promise<ReturnType<typeof plannedCreates>> {
    if (input.connection.mock !== undefined) return [];
    const creates = plannedCreates(input.plan.ops, (t) => this.#tables.get(t)?.primaryKey ?? `${t}id`);
    if (creates.length > 0) {
      const { runId, startedAt } = input.state;
      await recordPlannedCreates(this.manifestPath, { runId, startedAt, target: input.connection.url }, creates);
    }
    return creates;
  }

  /** Deletes what the repetition created on an org, except the last one's under `--keep`. */
  async #cleanUp(input: RepetitionTask, creates: ReturnType<typeof plannedCreates>): Promise<void> {
    if (creates.length === 0 || (input.lastOfRun && this.#options.keep === true)) return;
    const cleanup = await deleteCreated(input.connection.control, this.manifestPath, creates);
    if (cleanup.failed.length > 0)
      input.state.warnings.push(
        redact(
          `could not delete ${cleanup.failed.length} created record(s); see created-records.json and run 'dvbench cleanup': ${cleanup.failed.slice(0, 3).join('; ')}`,
        ),
      );
  }

  #snapshot(state: RunState, partial: boolean): RunResults {
    const { scenario } = this.#loaded;
    const compared = compareStrategies(state.results);
    return {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      verdict: judgeRun(
        compared.strategies,
        state.runError ?? (partial && state.interruption?.startsWith('error') === true ? state.interruption : null),
      ),
      runId: state.runId,
      scenarioFile: this.#loaded.path,
      scenario,
      target: { kind: this.#options.target.kind, url: state.targetUrl },
      mockCosts: this.#options.target.kind === 'mock' ? this.#loaded.mockCosts : null,
      environment: describeEnvironment(),
      startedAt: state.startedAt,
      finishedAt: partial ? null : new Date().toISOString(),
      partial,
      interruption: state.interruption,
      plan: {
        operations: operationsOf(state.plannedOps),
        items: state.plannedOps.length,
        byKind: countByKind(state.plannedOps),
      },
      strategies: compared.strategies,
      fastest: compared.fastest,
      recommended: compared.recommended,
      integrity: {
        ok: state.results.every((s) => s.integrity.ok),
        failed: state.results.filter((s) => !s.integrity.ok).map((s) => s.name),
      },
      shard: this.#options.shard ?? null,
      selectedStrategies: this.#options.only === undefined ? null : [...this.#options.only],
      warnings: state.warnings,
    };
  }

  async #save(state: RunState, partial: boolean): Promise<void> {
    try {
      await writeJsonAtomic(this.resultsPath, this.#snapshot(state, partial));
    } catch (error) {
      if (error instanceof DvbenchError) throw error;
      throw errorCatalogue.DVB_ERR_REPORT_WRITE(
        `could not write ${this.resultsPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  }
}
