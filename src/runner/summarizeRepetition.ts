import type { PlannedOperation } from '../operations/PlannedOperation.js';
import type { MeasuredRepetition } from './aggregateStrategy.js';
import type { ServerSnapshot } from '../target/prepareData.js';
import { fingerprint } from '../target/prepareData.js';
import type { RepetitionRun } from './runRepetition.js';
import type { RepetitionResult } from './RunResults.js';

/** Past this, the load generator itself queued work: the latencies it reports include its own delay. */
const BUSY_EVENT_LOOP_P99_MS = 50;

/** The mock's own work during the repetition: the difference of two `/_mock/stats` snapshots. */
export function serverDelta(
  before: ServerSnapshot | undefined,
  after: ServerSnapshot | undefined,
): MeasuredRepetition['server'] {
  if (before === undefined || after === undefined) return null;
  return {
    cpuUserMs: after.cpuUserMs - before.cpuUserMs,
    cpuSystemMs: after.cpuSystemMs - before.cpuSystemMs,
    peakRssBytes: after.peakRssBytes,
    busyMs: after.busyMs - before.busyMs,
    queuePeak: after.queuePeak,
  };
}

/**
 * The figures results.json keeps for one repetition. On a time-compressed mock its times are
 * the org's: the mock kept each worker's real cycle its org cycle ÷ the scale (see `Delays`), so
 * the work's time is multiplied back; the workers' wind-down after the last operation counts
 * once, as on an org. Start-up is the harness's own, and real.
 */
export function repetitionResult(
  run: RepetitionRun,
  server: MeasuredRepetition['server'],
  after: ServerSnapshot | undefined,
  plan: { readonly ops: readonly PlannedOperation[]; readonly dataFingerprint: string },
  name: (workload: number) => string,
): RepetitionResult {
  const { sink } = run;
  const org = (span: { readonly wallMs: number; readonly workMs: number }): number =>
    span.wallMs + (sink.timeScale - 1) * span.workMs;
  const wallMs = org(run);
  const phases = run.phases.map((p) => {
    const phaseMs = org(p);
    return {
      workload: p.workload,
      name: name(p.workload),
      operations: p.operations,
      wallMs: phaseMs,
      opsPerSec: phaseMs > 0 ? (p.operations / phaseMs) * 1000 : 0,
    };
  });
  return {
    ...(phases.length > 0 ? { phases } : {}),
    wallMs,
    startupMs: run.startupMs,
    meanWorkers: run.meanWorkers,
    operations: sink.operations,
    failedOperations: sink.failedOperations,
    requests: sink.requests,
    opsPerSec: (sink.operations / wallMs) * 1000,
    requestsPerSec: (sink.requests / wallMs) * 1000,
    throttled: Object.values(run.counters.throttledByCode).reduce((a, b) => a + b, 0),
    retries: run.counters.retries,
    clientCpuMs: run.client.cpuUserMs + run.client.cpuSystemMs + run.client.childCpuMs,
    serverCpuMs: server === null ? null : server.cpuUserMs + server.cpuSystemMs,
    records: after?.records ?? null,
    dataFingerprint: plan.dataFingerprint,
    planFingerprint: fingerprint(plan.ops),
  };
}

/** A warning when the harness, not the target, was the bottleneck in this repetition. */
export function busyClientWarning(run: RepetitionRun, repetition: number): string | undefined {
  if (run.eventLoopDelayP99Ms <= BUSY_EVENT_LOOP_P99_MS) return undefined;
  return (
    `the load generator was busy: event-loop delay p99 ` +
    `${run.eventLoopDelayP99Ms.toFixed(0)} ms in repetition ${repetition}; latencies include ` +
    `client-side queuing`
  );
}
