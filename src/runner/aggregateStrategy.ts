import { availableParallelism } from 'node:os';
import type { ClientCounters } from '../client/ClientCounters.js';
import { MeasurementSink, REQUEST_KINDS, type RequestKind } from '../metrics/MeasurementSink.js';
import type { Scenario } from '../scenario/scenarioSchema.js';
import { judgeStrategy } from './verdict.js';
import { descriptorForKind, descriptorOf } from '../strategies/descriptorOf.js';
import type { ResourceUsage } from '../metrics/ResourceSampler.js';
import { sum, summarize } from '../metrics/statistics.js';
import { recommendWorkers } from '../metrics/recommendWorkers.js';
import type { StrategySpec } from '../strategies/strategyKinds.js';
import type { PhaseResult, RepetitionResult, SliceResult, StrategyResult } from './RunResults.js';
import hdr from 'hdr-histogram-js';
import type { IntegrityReport } from './auditIntegrity.js';

type Histogram = MeasurementSink['response'];

export interface MeasuredRepetition {
  readonly integrity: IntegrityReport | undefined;
  readonly result: RepetitionResult;
  /** The repetition's wall time as it passed here (`result.wallMs` is the org's on a time-compressed mock). */
  readonly realWallMs: number;
  readonly sink: MeasurementSink;
  readonly counters: ClientCounters;
  readonly client: ResourceUsage & { readonly childCpuMs: number; readonly childPeakRssBytes: number };
  readonly server: {
    cpuUserMs: number;
    cpuSystemMs: number;
    peakRssBytes: number;
    busyMs: number;
    queuePeak: number;
  } | null;
}

/** A workload's or request kind's figures from its counts and its latency histogram (kept, for exact merging). */
export function sliceResult(
  counts: { readonly operations: number; readonly failedOperations: number; readonly requests: number },
  histogram: Parameters<typeof MeasurementSink.percentiles>[0],
): SliceResult {
  return {
    operations: counts.operations,
    failedOperations: counts.failedOperations,
    requests: counts.requests,
    latencyMs: MeasurementSink.percentiles(histogram),
    histogram: hdr.encodeIntoCompressedBase64(histogram),
  };
}

export function workloadName(scenario: Scenario, index: number): string {
  const w = scenario.workloads[index];
  if (w === undefined) return `workload ${index}`;
  return w.name ?? `${w.kind}${'table' in w ? ` ${w.table}` : ''}`;
}

/** What a strategy that was stopped or broken needs to be judged. */
export interface StrategyOutcome {
  readonly complete: boolean;
  readonly aborted: string | null;
  readonly warnings: readonly string[];
}

function requestKindSlices(sink: MeasurementSink): Partial<Record<RequestKind, SliceResult>> {
  const out: Partial<Record<RequestKind, SliceResult>> = {};
  for (const k of REQUEST_KINDS) {
    const s = sink.requestKinds.get(k);
    if (s !== undefined && (s.requests > 0 || s.operations > 0)) out[k] = sliceResult(s, s.response);
  }
  return out;
}

/** The latency a strategy is judged by: its own request kind's, or all responses when it sent none of that kind. */
function headlineLatency(spec: StrategySpec, sink: MeasurementSink): { latencyOf: RequestKind; histogram: Histogram } {
  // Its own request kind, not a quick read sent beside it.
  const primary = descriptorOf(spec).requestKind;
  const slice = sink.requestKinds.get(primary);
  if (slice !== undefined && slice.requests > 0) return { latencyOf: primary, histogram: slice.response };
  return { latencyOf: 'single', histogram: sink.response };
}

function integrityOf(reps: readonly MeasuredRepetition[]): StrategyResult['integrity'] {
  return {
    ok: reps.every((r) => r.integrity?.ok !== false),
    problemCount: reps.reduce((a, r) => a + (r.integrity?.problemCount ?? 0), 0),
    problems: reps
      .flatMap((r, i) => (r.integrity?.problems ?? []).map((p) => `repetition ${i + 1}: ${p}`))
      .slice(0, 20),
    checked: reps[0]?.integrity?.checked ?? null,
  };
}

function throttledOf(reps: readonly MeasuredRepetition[]): StrategyResult['throttled'] {
  const byCode: Record<string, number> = {};
  for (const r of reps)
    for (const [code, n] of Object.entries(r.counters.throttledByCode)) byCode[code] = (byCode[code] ?? 0) + n;
  return { total: sum(Object.values(byCode)), byCode };
}

function webServersOf(reps: readonly MeasuredRepetition[]): NonNullable<StrategyResult['webServers']> {
  const responses: Record<string, number> = {};
  for (const r of reps)
    for (const [server, n] of Object.entries(r.counters.affinity)) responses[server] = (responses[server] ?? 0) + n;
  return { seen: Object.keys(responses).length, responses };
}

/** Past this share of the cores the client may use, the load generator, not the target, set the pace. */
const GENERATOR_BOUND_CPU_SHARE = 0.9;
/** Past this event-loop delay p99, the generator queued work of its own (latencies include it). */
const GENERATOR_BOUND_LOOP_DELAY_MS = 50;

/** The client's CPU was at or past the share of the cores it could use. */
function cpuBound(cpuPercent: number, cores: number): boolean {
  return cpuPercent / 100 >= GENERATOR_BOUND_CPU_SHARE * cores;
}

/** Cores the strategy's client can keep busy: one event loop, or a thread or process per worker. */
function clientCores(spec: StrategySpec): number {
  const workers = descriptorOf(spec).osWorkers?.count(spec);
  return workers === undefined ? 1 : Math.min(workers, availableParallelism());
}

function clientOf(
  reps: readonly MeasuredRepetition[],
  totalWallMs: number,
  spec: StrategySpec,
): StrategyResult['client'] {
  // Client CPU is counted from the moment every worker is ready, so it is set against wall time.
  const clientCpuMs = sum(reps.map((r) => r.client.cpuUserMs + r.client.cpuSystemMs + r.client.childCpuMs));
  const requests = sum(reps.map((r) => r.sink.requests));
  const cpuPercent = totalWallMs > 0 ? (clientCpuMs / totalWallMs) * 100 : 0;
  const eventLoopDelayP99Ms = Math.max(0, ...reps.map((r) => r.client.eventLoopDelayP99Ms));
  const cores = clientCores(spec);
  return {
    cpuPercent,
    cpuUserMs: Math.round(sum(reps.map((r) => r.client.cpuUserMs))),
    cpuSystemMs: Math.round(sum(reps.map((r) => r.client.cpuSystemMs))),
    cpuMicrosPerRequest: requests > 0 ? Math.round((clientCpuMs * 1000) / requests) : null,
    cores,
    generatorBound: cpuBound(cpuPercent, cores) || eventLoopDelayP99Ms > GENERATOR_BOUND_LOOP_DELAY_MS,
    peakRssBytes: Math.max(0, ...reps.map((r) => r.client.peakRssBytes + r.client.childPeakRssBytes)),
    heapUsedBytes: Math.max(0, ...reps.map((r) => r.client.heapUsedBytes)),
    eventLoopDelayP99Ms,
  };
}

function serverOf(reps: readonly MeasuredRepetition[]): StrategyResult['server'] {
  const servers = reps.map((r) => r.server).filter((s): s is NonNullable<typeof s> => s !== null);
  if (servers.length === 0) return null;
  // The server's CPU is sampled around the whole repetition, start-up included, in real time.
  const totalSpanMs = sum(reps.map((r) => r.realWallMs + r.result.startupMs));
  return {
    cpuPercent: totalSpanMs > 0 ? (sum(servers.map((s) => s.cpuUserMs + s.cpuSystemMs)) / totalSpanMs) * 100 : 0,
    cpuUserMs: Math.round(sum(servers.map((s) => s.cpuUserMs))),
    cpuSystemMs: Math.round(sum(servers.map((s) => s.cpuSystemMs))),
    peakRssBytes: Math.max(...servers.map((s) => s.peakRssBytes)),
    busyMs: Math.round(sum(servers.map((s) => s.busyMs))),
    queuePeak: Math.max(...servers.map((s) => s.queuePeak)),
  };
}

/** A strategy that varies its concurrency (adaptive) reports its mean: what efficiency should divide by. */
function workersOf(spec: StrategySpec, reps: readonly MeasuredRepetition[]): number {
  if (reps.every((r) => r.result.meanWorkers === null)) return spec.concurrency;
  const mean = summarize(reps.map((r) => r.result.meanWorkers ?? spec.concurrency)).mean;
  return Math.max(1, Math.round(mean * 10) / 10);
}

function errorsOf(sink: MeasurementSink): StrategyResult['errors'] {
  const causes = Object.values(sink.errors).sort((a, b) => b.count - a.count);
  return {
    total: sink.failedOperations,
    rate: sink.operations === 0 ? 0 : sink.failedOperations / sink.operations,
    byKind: Object.fromEntries(causes.map((c) => [c.kind, c.count])),
    causes: causes.slice(0, 20),
  };
}

/** Each phase's mean wall time over the repetitions that ran it, and its throughput over that time. */
function meanPhases(reps: readonly (readonly PhaseResult[])[]): PhaseResult[] {
  const byWorkload = new Map<number, PhaseResult[]>();
  for (const phases of reps)
    for (const p of phases) byWorkload.set(p.workload, [...(byWorkload.get(p.workload) ?? []), p]);
  return [...byWorkload.values()].map((runs) => {
    const wallMs = sum(runs.map((p) => p.wallMs)) / runs.length;
    const operations = sum(runs.map((p) => p.operations)) / runs.length;
    const first = runs[0] as PhaseResult;
    return { ...first, operations, wallMs, opsPerSec: wallMs > 0 ? (operations / wallMs) * 1000 : 0 };
  });
}

/**
 * Folds a strategy's measured repetitions into its result and verdict; speedup is filled in once
 * sequential is known.
 */
export function aggregateStrategy(
  spec: StrategySpec,
  reps: readonly MeasuredRepetition[],
  outcome: StrategyOutcome,
  scenario: Scenario,
): StrategyResult {
  const { complete, warnings, aborted } = outcome;
  const sink = new MeasurementSink();
  for (const r of reps) sink.merge(r.sink);
  const headline = headlineLatency(spec, sink);
  const errors = errorsOf(sink);
  const integrity = integrityOf(reps);
  const verdict = judgeStrategy(
    {
      operationsAttempted: sink.operations,
      failedOperations: sink.failedOperations,
      causes: Object.values(sink.errors).sort((a, b) => b.count - a.count),
      integrityOk: integrity.ok,
      integrityProblems: integrity.problemCount,
      aborted,
      measuredRepetitions: reps.length,
    },
    scenario.maxErrorRate,
  );
  const wall = reps.map((r) => r.result.wallMs);
  const totalWallMs = sum(wall);
  const n = Math.max(1, reps.length);
  // Wall times are the org's; CPU shares are of the machine's real time.
  const timeScale = reps[0]?.sink.timeScale ?? 1;
  const client = clientOf(reps, sum(reps.map((r) => r.realWallMs)), spec);
  return {
    name: spec.name,
    kind: spec.kind,
    verdict,
    aborted,
    workers: workersOf(spec, reps),
    parameters: descriptorOf(spec).parameters(spec),
    complete,
    repetitions: reps.map((r) => r.result),
    wallMs: summarize(wall),
    speedup: null,
    efficiency: null,
    timeReduction: null,
    throughput: {
      opsPerSec: totalWallMs > 0 ? (sink.operations / totalWallMs) * 1000 : 0,
      requestsPerSec: totalWallMs > 0 ? (sink.requests / totalWallMs) * 1000 : 0,
    },
    latencyMs: MeasurementSink.percentiles(headline.histogram),
    latencyOf: headline.latencyOf,
    ...(scenario.phases ? { phases: meanPhases(reps.map((r) => r.result.phases ?? [])) } : {}),
    byWorkload: [...sink.workloads.entries()]
      .sort(([a], [b]) => a - b)
      .map(([workload, s]) => ({ workload, name: workloadName(scenario, workload), ...sliceResult(s, s.response) })),
    byRequestKind: requestKindSlices(sink),
    serviceTimeMs: MeasurementSink.percentiles(sink.service),
    operations: Math.round(sink.operations / n),
    requests: Math.round(sink.requests / n),
    recordsRead: Math.round(sink.records / n),
    errors,
    throttled: throttledOf(reps),
    retries: sum(reps.map((r) => r.counters.retries)),
    retryWaitMs: Math.round(sum(reps.map((r) => r.counters.retryWaitMs)) * timeScale),
    webServers: webServersOf(reps),
    client,
    server: serverOf(reps),
    timeline: reps.at(-1)?.sink.timelinePoints() ?? [],
    integrity,
    histograms: {
      response: hdr.encodeIntoCompressedBase64(sink.response),
      service: hdr.encodeIntoCompressedBase64(sink.service),
      latency: hdr.encodeIntoCompressedBase64(headline.histogram),
    },
    warnings: [...warnings, ...generatorBoundWarning(client)],
  };
}

/** Said once per strategy when the client's CPU set the pace (a busy event loop is warned per repetition). */
function generatorBoundWarning(client: StrategyResult['client']): string[] {
  if (client.generatorBound !== true || !cpuBound(client.cpuPercent, client.cores ?? 1)) return [];
  const perRequest = client.cpuMicrosPerRequest == null ? '' : `, ${client.cpuMicrosPerRequest} µs per request`;
  return [
    `the load generator set the pace: client CPU ` +
      `${client.cpuPercent.toFixed(0)}% of ` +
      `${client.cores ?? 1} core${client.cores === 1 ? '' : 's'}${perRequest}; this throughput ` +
      `describes the client machine, not the target (more threads or processes, or --shard over machines)`,
  ];
}

/**
 * Speedup and efficiency against `sequential`; the fastest strategy; and the recommended one:
 * the fewest workers within 5% of the best throughput, with no errors and no throttling. A
 * failed strategy has no speedup and is never fastest or recommended; a failed sequential is
 * no baseline.
 */
export function compareStrategies(strategies: readonly StrategyResult[]): {
  strategies: StrategyResult[];
  fastest: string | null;
  recommended: string | null;
} {
  const usable = (s: StrategyResult): boolean => s.repetitions.length > 0 && s.verdict.status !== 'failed';
  const baseline = strategies.find((s) => descriptorForKind(s.kind)?.baseline === true && usable(s));
  const withSpeedup = strategies.map((s): StrategyResult => {
    if (baseline === undefined || !usable(s)) return { ...s, speedup: null, efficiency: null, timeReduction: null };
    const speedup = baseline.wallMs.mean / s.wallMs.mean;
    return {
      ...s,
      speedup,
      // Left out where one request carries many operations: speedup ÷ in-flight requests is
      // no share of anything (it came out 2.8, 5.7, 10.9 for batch and bulk).
      efficiency: descriptorForKind(s.kind)?.perWorkerEfficiency === false ? null : speedup / s.workers,
      timeReduction: (baseline.wallMs.mean - s.wallMs.mean) / baseline.wallMs.mean,
    };
  });
  const measured = withSpeedup.filter(usable);
  const fastest = measured.reduce<StrategyResult | undefined>(
    (best, s) => (best === undefined || s.throughput.opsPerSec > best.throughput.opsPerSec ? s : best),
    undefined,
  );
  const recommended = recommendWorkers(
    measured.map((s) => ({
      name: s.name,
      workers: s.workers,
      throughput: s.throughput.opsPerSec,
      clean: s.errors.total === 0 && s.throttled.total === 0,
    })),
  );
  return { strategies: withSpeedup, fastest: fastest?.name ?? null, recommended: recommended?.name ?? null };
}
