import hdr from 'hdr-histogram-js';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import { MeasurementSink, REQUEST_KINDS, type ErrorCause, type RequestKind } from '../metrics/MeasurementSink.js';
import { sum, summarize } from '../metrics/statistics.js';
import { compareStrategies, sliceResult } from '../runner/aggregateStrategy.js';
import type { RepetitionResult, RunResults, SliceResult, StrategyResult } from '../runner/RunResults.js';
import { judgeResults, judgeStrategy } from '../runner/verdict.js';

function addCounts(maps: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of maps) for (const [k, n] of Object.entries(m)) out[k] = (out[k] ?? 0) + n;
  return out;
}

/** Repetition r of every shard ran at the same time: the slowest shard's wall time is the run's. */
function mergeRepetition(reps: readonly RepetitionResult[]): RepetitionResult {
  const wallMs = Math.max(...reps.map((r) => r.wallMs));
  const operations = sum(reps.map((r) => r.operations));
  const requests = sum(reps.map((r) => r.requests));
  const serverCpu = reps.map((r) => r.serverCpuMs);
  return {
    wallMs,
    startupMs: Math.max(...reps.map((r) => r.startupMs)),
    meanWorkers: reps.every((r) => r.meanWorkers !== null) ? sum(reps.map((r) => r.meanWorkers ?? 0)) : null,
    operations,
    failedOperations: sum(reps.map((r) => r.failedOperations)),
    requests,
    opsPerSec: (operations / wallMs) * 1000,
    requestsPerSec: (requests / wallMs) * 1000,
    throttled: sum(reps.map((r) => r.throttled)),
    retries: sum(reps.map((r) => r.retries)),
    clientCpuMs: sum(reps.map((r) => r.clientCpuMs)),
    serverCpuMs: serverCpu.every((c) => c !== null) ? sum(serverCpu) : null,
    // Each shard's target held its own copy (mock) or a shared org: record counts do not add up.
    records: null,
    dataFingerprint: reps.every((r) => r.dataFingerprint === reps[0]?.dataFingerprint)
      ? (reps[0]?.dataFingerprint ?? '')
      : 'mixed',
    planFingerprint: reps.map((r) => r.planFingerprint).join('+'),
  };
}

/** Causes of every shard, counts added; the first operation of the first shard that met each. */
function mergeCauses(lists: readonly (readonly ErrorCause[])[]): ErrorCause[] {
  const out = new Map<string, ErrorCause>();
  for (const list of lists)
    for (const c of list) {
      const known = out.get(c.kind);
      out.set(c.kind, known === undefined ? c : { ...known, count: known.count + c.count });
    }
  return [...out.values()].sort((a, b) => b.count - a.count);
}

type Histogram = ReturnType<typeof hdr.decodeFromCompressedBase64>;

function mergeHistograms(encoded: readonly string[]): Histogram {
  const [head = '', ...rest] = encoded;
  const h = hdr.decodeFromCompressedBase64(head);
  for (const x of rest) h.add(hdr.decodeFromCompressedBase64(x));
  return h;
}

function mergeSlices(slices: readonly (SliceResult | undefined)[]): SliceResult | undefined {
  const present = slices.filter((x): x is SliceResult => x !== undefined);
  if (present.length === 0) return undefined;
  const counts = {
    operations: sum(present.map((x) => x.operations)),
    failedOperations: sum(present.map((x) => x.failedOperations)),
    requests: sum(present.map((x) => x.requests)),
  };
  return sliceResult(counts, mergeHistograms(present.map((x) => x.histogram)));
}

function mergeBreakdowns(parts: readonly StrategyResult[]): Pick<StrategyResult, 'byRequestKind' | 'byWorkload'> {
  const byRequestKind: Partial<Record<RequestKind, SliceResult>> = {};
  for (const k of REQUEST_KINDS) {
    const s = mergeSlices(parts.map((p) => p.byRequestKind[k]));
    if (s !== undefined) byRequestKind[k] = s;
  }
  const byWorkload = (parts[0]?.byWorkload ?? []).map((w) => ({
    workload: w.workload,
    name: w.name,
    ...(mergeSlices(parts.map((p) => p.byWorkload.find((x) => x.workload === w.workload))) ?? w),
  }));
  return { byRequestKind, byWorkload };
}

/** Client CPU per request over every shard, weighted by the requests each sent. */
function perRequestCpu(parts: readonly StrategyResult[]): { cpuMicrosPerRequest?: number } {
  const known = parts.filter((p) => typeof p.client.cpuMicrosPerRequest === 'number' && p.requests > 0);
  if (known.length !== parts.length || known.length === 0) return {};
  const requests = sum(known.map((p) => p.requests));
  return {
    cpuMicrosPerRequest: Math.round(sum(known.map((p) => (p.client.cpuMicrosPerRequest ?? 0) * p.requests)) / requests),
  };
}

/** Shards run side by side: CPU adds up, peaks are the largest shard's. */
function mergeResources(parts: readonly StrategyResult[]): Pick<StrategyResult, 'client' | 'server'> {
  const servers = parts.map((p) => p.server);
  const client = {
    cpuPercent: sum(parts.map((p) => p.client.cpuPercent)),
    cpuUserMs: sum(parts.map((p) => p.client.cpuUserMs)),
    cpuSystemMs: sum(parts.map((p) => p.client.cpuSystemMs)),
    ...perRequestCpu(parts),
    generatorBound: parts.some((p) => p.client.generatorBound === true),
    peakRssBytes: Math.max(...parts.map((p) => p.client.peakRssBytes)),
    heapUsedBytes: Math.max(...parts.map((p) => p.client.heapUsedBytes)),
    eventLoopDelayP99Ms: Math.max(...parts.map((p) => p.client.eventLoopDelayP99Ms)),
  };
  if (!servers.every((s) => s !== null)) return { client, server: null };
  return {
    client,
    server: {
      cpuPercent: sum(servers.map((s) => s.cpuPercent)),
      cpuUserMs: sum(servers.map((s) => s.cpuUserMs)),
      cpuSystemMs: sum(servers.map((s) => s.cpuSystemMs)),
      peakRssBytes: Math.max(...servers.map((s) => s.peakRssBytes)),
      busyMs: sum(servers.map((s) => s.busyMs)),
      queuePeak: Math.max(...servers.map((s) => s.queuePeak)),
    },
  };
}

/** Errors, integrity and the verdict they give, over every shard. */
function mergeOutcome(
  parts: readonly StrategyResult[],
  measuredRepetitions: number,
  maxErrorRate: number,
): Pick<StrategyResult, 'errors' | 'integrity' | 'aborted' | 'verdict'> {
  const causes = mergeCauses(parts.map((p) => p.errors.causes));
  const failed = sum(parts.map((p) => p.errors.total));
  const attempted = sum(parts.map((p) => p.operations * p.repetitions.length));
  const aborted = parts.find((p) => p.aborted !== null)?.aborted ?? null;
  const integrity = {
    ok: parts.every((p) => p.integrity.ok),
    problemCount: sum(parts.map((p) => p.integrity.problemCount)),
    problems: parts.flatMap((p, i) => p.integrity.problems.map((x) => `shard ${i + 1}: ${x}`)).slice(0, 20),
    checked: null,
  };
  const verdict = judgeStrategy(
    {
      operationsAttempted: attempted,
      failedOperations: failed,
      causes,
      integrityOk: integrity.ok,
      integrityProblems: integrity.problemCount,
      aborted,
      measuredRepetitions,
    },
    maxErrorRate,
  );
  const errors = {
    total: failed,
    rate: attempted === 0 ? 0 : failed / attempted,
    byKind: addCounts(parts.map((p) => p.errors.byKind)),
    causes,
  };
  return { errors, integrity, aborted, verdict };
}

function mergeStrategy(parts: readonly StrategyResult[], maxErrorRate: number): StrategyResult {
  const first = parts[0];
  if (first === undefined) throw new Error('nothing to merge');
  const reps = Array.from({ length: Math.min(...parts.map((p) => p.repetitions.length)) }, (_, r) =>
    mergeRepetition(parts.map((p) => p.repetitions[r] as RepetitionResult)),
  );
  const response = mergeHistograms(parts.map((p) => p.histograms.response));
  const service = mergeHistograms(parts.map((p) => p.histograms.service));
  const latency = mergeHistograms(parts.map((p) => p.histograms.latency));
  const totalWall = sum(reps.map((r) => r.wallMs));
  const perSecond = (n: number): number => (totalWall > 0 ? (n / totalWall) * 1000 : 0);
  return {
    ...first,
    ...mergeOutcome(parts, reps.length, maxErrorRate),
    ...mergeBreakdowns(parts),
    ...mergeResources(parts),
    workers: sum(parts.map((p) => p.workers)),
    complete: parts.every((p) => p.complete),
    repetitions: reps,
    wallMs: summarize(reps.map((r) => r.wallMs)),
    speedup: null,
    efficiency: null,
    timeReduction: null,
    throughput: {
      opsPerSec: perSecond(sum(reps.map((r) => r.operations))),
      requestsPerSec: perSecond(sum(reps.map((r) => r.requests))),
    },
    latencyMs: MeasurementSink.percentiles(latency),
    serviceTimeMs: MeasurementSink.percentiles(service),
    operations: sum(parts.map((p) => p.operations)),
    requests: sum(parts.map((p) => p.requests)),
    recordsRead: sum(parts.map((p) => p.recordsRead)),
    throttled: {
      total: sum(parts.map((p) => p.throttled.total)),
      byCode: addCounts(parts.map((p) => p.throttled.byCode)),
    },
    retries: sum(parts.map((p) => p.retries)),
    retryWaitMs: sum(parts.map((p) => p.retryWaitMs)),
    timeline: [],
    histograms: {
      response: hdr.encodeIntoCompressedBase64(response),
      service: hdr.encodeIntoCompressedBase64(service),
      latency: hdr.encodeIntoCompressedBase64(latency),
    },
    warnings: [...new Set(parts.flatMap((p) => p.warnings))],
  };
}

/**
 * Combines the results of `--shard 1/n` … `--shard n/n` into one run, exactly: histograms are
 * merged (not averaged), counts summed, and each repetition's wall time is its slowest shard's.
 */
export function mergeShards(shards: readonly RunResults[]): RunResults {
  const first = shards[0];
  if (first === undefined) throw errorCatalogue.DVB_ERR_USAGE('dvbench merge: give the results of every shard.');
  const count = first.shard?.count;
  if (count === undefined)
    throw errorCatalogue.DVB_ERR_USAGE('dvbench merge: the results are not from a sharded run (--shard i/n).');
  for (const s of shards) {
    if (s.scenario.name !== first.scenario.name)
      throw errorCatalogue.DVB_ERR_USAGE(
        `dvbench merge: shards of different scenarios ('${first.scenario.name}' and '${s.scenario.name}').`,
      );
    if (s.shard?.count !== count)
      throw errorCatalogue.DVB_ERR_USAGE(
        'dvbench merge: the shards were split differently (different n in --shard i/n).',
      );
  }
  const indexes = shards.map((s) => s.shard?.index ?? 0).sort((a, b) => a - b);
  const expected = Array.from({ length: count }, (_, i) => i + 1);
  if (indexes.join(',') !== expected.join(',')) {
    throw errorCatalogue.DVB_ERR_USAGE(
      `dvbench merge: need each of shards 1..${count} exactly once, got ${indexes.join(', ')}.`,
    );
  }
  const names = first.strategies
    .map((s) => s.name)
    .filter((n) => shards.every((sh) => sh.strategies.some((s) => s.name === n)));
  const merged = names.map((n) =>
    mergeStrategy(
      shards.map((sh) => sh.strategies.find((s) => s.name === n) as StrategyResult),
      first.scenario.maxErrorRate,
    ),
  );
  const compared = compareStrategies(merged);
  const runError =
    shards
      .map((s) => (s.verdict.status === 'failed' && s.strategies.length === 0 ? (s.verdict.reasons[0] ?? null) : null))
      .find((r) => r !== null) ?? null;
  const partial = shards.some((s) => s.partial);
  const interruption = shards.find((s) => s.interruption !== null)?.interruption ?? null;
  return {
    ...first,
    // Judged as one run's results are: thresholds, and how the shards ended.
    ...judgeResults({
      scenario: first.scenario,
      strategies: compared.strategies,
      selectedStrategies: first.selectedStrategies,
      partial,
      interruption,
      runError,
    }),
    runId: `${first.runId}+${String(shards.length - 1)}`,
    partial,
    interruption,
    finishedAt: shards.every((s) => s.finishedAt !== null)
      ? (shards
          .map((s) => s.finishedAt ?? '')
          .sort()
          .at(-1) ?? null)
      : null,
    plan: {
      operations: sum(shards.map((s) => s.plan.operations)),
      items: sum(shards.map((s) => s.plan.items)),
      byKind: addCounts(shards.map((s) => s.plan.byKind)),
    },
    strategies: compared.strategies,
    fastest: compared.fastest,
    recommended: compared.recommended,
    integrity: {
      ok: merged.every((s) => s.integrity.ok),
      failed: merged.filter((s) => !s.integrity.ok).map((s) => s.name),
    },
    shard: { index: 0, count },
    warnings: [...new Set(shards.flatMap((s) => s.warnings))],
  };
}
