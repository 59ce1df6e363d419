import { randomUUID } from 'node:crypto';
import { EventEmitter, setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { tableDirectory } from '../../mock-server/index.js';
import { createMockTokenProviders, createOrgTokenProviders } from '../client/auth/createTokenProviders.js';
import { redact } from '../client/auth/redact.js';
import { emptyCounters, mergeCounters } from '../client/ClientCounters.js';
import { DataverseClient } from '../client/DataverseClient.js';
import type { TargetSpec } from '../client/target/resolveTarget.js';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import { MeasurementSink } from '../metrics/MeasurementSink.js';
import { ResourceSampler } from '../metrics/ResourceSampler.js';
import { writeJsonAtomic } from '../report/writeJsonAtomic.js';
import { expandStrategies, type StrategySpec } from '../scenario/expandStrategies.js';
import type { LoadedScenario } from '../scenario/loadScenario.js';
import type { PlannedOperation } from '../scenario/PlannedOperation.js';
import { planOperations } from '../scenario/planOperations.js';
import { batchStrategy, bulkStrategy, poolStrategy, transactionStrategy } from '../strategies/inProcessStrategies.js';
import type { Strategy } from '../strategies/StrategyContext.js';
import { adaptiveStrategy } from '../strategies/adaptiveStrategy.js';
import type { WorkerTarget } from '../strategies/workerProtocol.js';
import { processesStrategy, threadsStrategy } from '../strategies/workerStrategies.js';
import { aggregateStrategy, compareStrategies, type MeasuredRepetition } from './aggregateStrategy.js';
import { auditIntegrity } from './auditIntegrity.js';
import { deleteCreated, plannedCreates, recordPlannedCreates } from './createdRecords.js';
import { describeEnvironment } from './environment.js';
import { fetchRows, fingerprint, resetAndSeed, serverSnapshot, type ServerSnapshot } from './prepareData.js';
import { RESULTS_SCHEMA_VERSION, type RunResults, type StrategyResult } from './RunResults.js';
import { startEmbeddedMock, type EmbeddedMock } from './startEmbeddedMock.js';

const STRATEGIES: Record<StrategySpec['kind'], Strategy> = {
  sequential: poolStrategy,
  async: poolStrategy,
  threads: threadsStrategy,
  processes: processesStrategy,
  batch: batchStrategy,
  transaction: transactionStrategy,
  bulk: bulkStrategy,
  adaptive: adaptiveStrategy,
};

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
  start: [{ scenario: string; strategies: string[]; operations: number; target: string }];
  'strategy-start': [{ name: string; index: number; count: number; repetitions: number; warmup: number; operations: number }];
  progress: [{ name: string; repetition: number; warmup: boolean; done: number; total: number }];
  repetition: [{ name: string; repetition: number; warmup: boolean; wallMs: number; opsPerSec: number; failed: number }];
  'strategy-end': [StrategyResult];
  warning: [string];
  done: [RunResults];
}

function countByKind(ops: readonly PlannedOperation[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const op of ops) out[op.kind] = (out[op.kind] ?? 0) + op.ops;
  return out;
}

/**
 * The main job: for each strategy, resets and seeds the target, plans the same operations,
 * runs warm-up and measured repetitions, and aggregates them. results.json is rewritten
 * atomically after every strategy (marked partial until the end), so an interrupted run keeps
 * what it finished. Emits events; reporters listen.
 */
export class ScenarioRun extends EventEmitter<RunEvents> {
  readonly #loaded: LoadedScenario;
  readonly #options: RunOptions;

  constructor(loaded: LoadedScenario, options: RunOptions) {
    super();
    this.#loaded = loaded;
    this.#options = options;
  }

  get resultsPath(): string {
    return `${this.#options.outDir}/results.json`;
  }

  /** Records created in an org, listed before they are created (see createdRecords.ts). */
  get manifestPath(): string {
    return `${this.#options.outDir}/created-records.json`;
  }

  async run(): Promise<RunResults> {
    const { scenario } = this.#loaded;
    const options = this.#options;
    // Stops the work when the user interrupts, or when the target fails under it (the mock died).
    const stopping = new AbortController();
    const signal = stopping.signal;
    // Every in-flight request listens to this signal; hundreds at once are expected, not a leak.
    setMaxListeners(0, signal);
    // A function, not the property: the signal changes under us while awaiting, which narrowing cannot see.
    const isStopping = (): boolean => signal.aborted;
    const userSignal = options.signal;
    const forward = (): void => {
      stopping.abort(userSignal?.reason);
    };
    if (userSignal !== undefined) {
      if (userSignal.aborted) stopping.abort(userSignal.reason);
      else userSignal.addEventListener('abort', forward, { once: true });
    }
    const repetitions = options.repetitions ?? scenario.repetitions;
    const warmup = options.warmup ?? scenario.warmup;
    const specs = expandStrategies(scenario.strategies).filter((s) => options.only === undefined || options.only.includes(s.name));
    if (specs.length === 0) throw errorCatalogue.DVB_ERR_USAGE(`no strategy left to run: --strategies named none of ${expandStrategies(scenario.strategies).map((s) => s.name).join(', ')}`);
    if (options.target.kind === 'org') {
      if (Object.keys(scenario.data).length > 0) {
        throw errorCatalogue.DVB_ERR_TARGET_CONFIG('target: a real org is not seeded: remove the data: block (reads use the org\'s own records; writes create their own).');
      }
      const changing = scenario.workloads.filter((w) => w.kind === 'update' || w.kind === 'delete' || w.kind === 'upsert' || w.kind === 'mixed');
      if (changing.length > 0) {
        throw errorCatalogue.DVB_ERR_TARGET_CONFIG(`target: ${changing.map((w) => w.kind).join(', ')} workloads would change or delete records this run did not create; against a real org dvbench only reads and creates its own records (insert, transactional).`);
      }
      const writes = scenario.workloads.some((w) => w.kind === 'insert' || w.kind === 'transactional');
      if (writes && options.allowWrites !== true) {
        throw errorCatalogue.DVB_ERR_TARGET_CONFIG(`target: this scenario writes into ${options.target.url}; pass --allow-writes to allow it (the records are tracked in created-records.json and deleted after each repetition; --keep keeps the last ones).`);
      }
    }
    const tables = tableDirectory(scenario.mock.tables);
    const startedAt = new Date().toISOString();
    const runId = randomUUID();
    const results: StrategyResult[] = [];
    const warnings: string[] = [];
    let plannedOps: PlannedOperation[] = [];
    let interruption: string | null = null;
    let mock: EmbeddedMock | undefined;
    let targetUrl = options.target.kind === 'org' ? options.target.url : '';

    const snapshot = (finishedAt: string | null, partial: boolean): RunResults => {
      const compared = compareStrategies(results);
      return {
        schemaVersion: RESULTS_SCHEMA_VERSION,
        runId,
        scenarioFile: this.#loaded.path,
        scenario,
        target: { kind: options.target.kind, url: targetUrl },
        environment: describeEnvironment(),
        startedAt,
        finishedAt,
        partial,
        interruption,
        plan: { operations: plannedOps.reduce((a, op) => a + op.ops, 0), items: plannedOps.length, byKind: countByKind(plannedOps) },
        strategies: compared.strategies,
        fastest: compared.fastest,
        recommended: compared.recommended,
        integrity: { ok: results.every((s) => s.integrity.ok), failed: results.filter((s) => !s.integrity.ok).map((s) => s.name) },
        shard: options.shard ?? null,
        warnings,
      };
    };
    const save = (partial: boolean): Promise<void> => writeJsonAtomic(this.resultsPath, snapshot(partial ? null : new Date().toISOString(), partial));

    try {
      if (options.target.kind === 'mock') {
        mock = await startEmbeddedMock(scenario.mock);
        targetUrl = mock.url;
      }
      const target: WorkerTarget =
        options.target.kind === 'mock'
          ? { url: targetUrl, identities: { kind: 'mock', count: scenario.identities } }
          : { url: targetUrl, identities: { kind: 'org', specs: options.target.identities, ...(options.target.authorityHost === undefined ? {} : { authorityHost: options.target.authorityHost }) } };
      const identities = options.target.kind === 'mock' ? createMockTokenProviders(targetUrl, scenario.identities) : await createOrgTokenProviders(targetUrl, options.target.identities);
      const control = new DataverseClient({ url: targetUrl, identities, connections: 2 });
      const plan = async (): Promise<{ ops: PlannedOperation[]; dataFingerprint: string }> => {
        if (mock !== undefined) await resetAndSeed(mock.url, scenario);
        const rows = await fetchRows(control, scenario, tables);
        const all = planOperations(scenario, tables, rows);
        // Every shard plans the same list and keeps every count-th item: disjoint records, since
        // the planner gives each record to one operation only.
        const shard = options.shard;
        const ops = shard === undefined ? all : all.filter((_, k) => k % shard.count === shard.index - 1);
        return { ops, dataFingerprint: fingerprint([...rows.entries()]) };
      };
      // The first plan serves the first repetition too: its reset and seed are what that repetition needs.
      let prepared: Awaited<ReturnType<typeof plan>> | undefined = await plan();
      plannedOps = prepared.ops;
      this.emit('start', { scenario: scenario.name, strategies: specs.map((s) => s.name), operations: plannedOps.reduce((a, op) => a + op.ops, 0), target: targetUrl });

      for (const [index, spec] of specs.entries()) {
        if (isStopping()) break;
        this.emit('strategy-start', { name: spec.name, index, count: specs.length, repetitions, warmup, operations: plannedOps.reduce((a, op) => a + op.ops, 0) });
        const measured: MeasuredRepetition[] = [];
        const strategyWarnings: string[] = [];
        let complete = true;
        for (let rep = 0; rep < warmup + repetitions; rep++) {
          if (isStopping()) {
            complete = false;
            break;
          }
          const isWarmup = rep < warmup;
          const { ops, dataFingerprint } = prepared ?? (await plan());
          prepared = undefined;
          const total = ops.reduce((a, op) => a + op.ops, 0);
          const before: ServerSnapshot | undefined = mock === undefined ? undefined : await serverSnapshot(mock.url);
          // On an org, what this repetition will create is written down before anything is sent.
          const creates = mock === undefined ? plannedCreates(ops, (t) => tables.get(t)?.primaryKey ?? `${t}id`) : [];
          if (creates.length > 0) await recordPlannedCreates(this.manifestPath, runId, targetUrl, creates);
          const client = new DataverseClient({ url: targetUrl, identities, connections: scenario.connections ?? Math.max(1, spec.concurrency), signal });
          const sink = new MeasurementSink();
          const sampler = new ResourceSampler();
          sampler.start();
          const launched = performance.now();
          let t0 = launched;
          let meanWorkers: number | null = null;
          const run = STRATEGIES[spec.kind]({
            spec,
            ops,
            client,
            sink,
            target,
            signal,
            onAdaptiveWindow: (m) => {
              meanWorkers = m;
            },
            onReady: () => {
              t0 = performance.now();
              sink.startedAtEpochMs = Date.now();
              sampler.markReady();
            },
            onProgress: (done) => {
              this.emit('progress', { name: spec.name, repetition: rep - warmup + 1, warmup: isWarmup, done, total });
            },
          });
          const outcome = await (mock === undefined
            ? run
            : Promise.race([
                run,
                mock.died.catch((error: unknown) => {
                  stopping.abort('target failed');
                  throw error;
                }),
              ]));
          const wallMs = performance.now() - t0;
          const usage = sampler.stop();
          await client.close();
          if (isStopping()) {
            complete = false;
            break;
          }
          const after = mock === undefined ? undefined : await serverSnapshot(mock.url);
          // Audited after every measured repetition, before the next reset wipes the evidence.
          const integrity = isWarmup ? undefined : await auditIntegrity(control, ops, tables, { seeded: scenario.data, actual: after?.records ?? null });
          const lastOfRun = index === specs.length - 1 && rep === warmup + repetitions - 1;
          if (creates.length > 0 && !(lastOfRun && options.keep === true)) {
            const cleanup = await deleteCreated(control, this.manifestPath, creates);
            if (cleanup.failed.length > 0) warnings.push(`could not delete ${cleanup.failed.length} created record(s); see created-records.json and run 'dvbench cleanup': ${cleanup.failed.slice(0, 3).join('; ')}`);
          }
          const counters = mergeCounters(mergeCounters(emptyCounters(), client.counters), outcome.counters.reduce((acc, c) => mergeCounters(acc, c), emptyCounters()));
          const throttled = Object.values(counters.throttledByCode).reduce((a, b) => a + b, 0);
          const server =
            before === undefined || after === undefined
              ? null
              : { cpuUserMs: after.cpuUserMs - before.cpuUserMs, cpuSystemMs: after.cpuSystemMs - before.cpuSystemMs, peakRssBytes: after.peakRssBytes, busyMs: after.busyMs - before.busyMs, queuePeak: after.queuePeak };
          const childCpuMs = outcome.children.reduce((a, c) => a + c.cpuUserMs + c.cpuSystemMs, 0);
          const result = {
            wallMs,
            startupMs: t0 - launched,
            meanWorkers,
            operations: sink.operations,
            failedOperations: sink.failedOperations,
            requests: sink.requests,
            opsPerSec: (sink.operations / wallMs) * 1000,
            requestsPerSec: (sink.requests / wallMs) * 1000,
            throttled,
            retries: counters.retries,
            clientCpuMs: usage.cpuUserMs + usage.cpuSystemMs + childCpuMs,
            serverCpuMs: server === null ? null : server.cpuUserMs + server.cpuSystemMs,
            records: after?.records ?? null,
            dataFingerprint,
            planFingerprint: fingerprint(ops),
          };
          this.emit('repetition', { name: spec.name, repetition: rep - warmup + 1, warmup: isWarmup, wallMs, opsPerSec: result.opsPerSec, failed: sink.failedOperations });
          if (isWarmup) continue;
          if (usage.eventLoopDelayP99Ms > 50) {
            strategyWarnings.push(`the load generator was busy: event-loop delay p99 ${usage.eventLoopDelayP99Ms.toFixed(0)} ms in repetition ${rep - warmup + 1}; latencies include client-side queuing`);
          }
          measured.push({
            integrity,
            result,
            sink,
            counters,
            client: { ...usage, childCpuMs, childPeakRssBytes: outcome.children.reduce((a, c) => a + c.peakRssBytes, 0) },
            server,
          });
        }
        if (measured.length > 0) {
          const aggregated = aggregateStrategy(spec, measured, complete, [...new Set(strategyWarnings)]);
          results.push(aggregated);
          for (const w of aggregated.warnings) {
            warnings.push(`${spec.name}: ${w}`);
            this.emit('warning', `${spec.name}: ${w}`);
          }
          this.emit('strategy-end', compareStrategies(results).strategies.at(-1) ?? aggregated);
        }
        await save(true);
      }
      await control.close();
      if (userSignal?.aborted === true) {
        interruption = typeof userSignal.reason === 'string' ? userSignal.reason : 'interrupted';
        await save(true);
        return snapshot(null, true);
      }
      await save(false);
      const final = snapshot(new Date().toISOString(), false);
      this.emit('done', final);
      return final;
    } catch (error) {
      stopping.abort('error');
      interruption = `error: ${redact(error instanceof Error ? error.message : String(error))}`;
      await save(true).catch(() => undefined);
      throw error;
    } finally {
      userSignal?.removeEventListener('abort', forward);
      await mock?.stop();
    }
  }
}
