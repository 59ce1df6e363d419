import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataverseClient } from '../client/DataverseClient.js';
import type { MeasurementSink } from '../metrics/MeasurementSink.js';
import type { PlannedOperation } from '../operations/PlannedOperation.js';
import { throttledIn, type OperationOutcome } from '../metrics/OperationOutcome.js';
import { executeOperation } from '../strategies/executeOperation.js';
import type { ArrivalOutcome } from './LoadSeries.js';
import { WorkloadMix } from './workloadMix.js';

export interface GeneratorInput {
  readonly client: DataverseClient;
  readonly sink: MeasurementSink;
  /** Intended arrival times, real ms from the start, in order (the org's ÷ `timeScale`). */
  readonly arrivals: Iterator<number>;
  /**
   * How many times faster than the org's the target's clock runs: what the generator hands on
   * (arrival and end times, latencies) is in the org's time.
   */
  readonly timeScale: number;
  /** Planned operations per workload index, and the weight of each. */
  readonly templates: ReadonlyMap<number, readonly PlannedOperation[]>;
  readonly weights: readonly { readonly workload: number; readonly weight: number }[];
  readonly maxInFlight: number;
  readonly lateMs: number;
  /** How long operations still in flight after the last arrival may take before they are cancelled. */
  readonly gracefulStopMs: number;
  /** Stops the arrivals; operations in flight are then cancelled at once. */
  readonly signal: AbortSignal;
  /** Cancels the operations in flight (their requests and Retry-After waits). */
  readonly cancel: () => void;
  readonly materialize: (templates: readonly PlannedOperation[], n: number) => PlannedOperation;
  /** An arrival came due (at the org's ms): sent (late or not, by the harness's own real ms) or dropped. */
  readonly onArrival: (atMs: number, workload: number, sent: boolean, lateByMs: number) => void;
  readonly onOutcome: (outcome: ArrivalOutcome) => void;
  /** Operations in flight after each change, for the series' peak. */
  readonly onInFlight: (inFlight: number) => void;
}

export interface GeneratorTotals {
  /** When the clock started (performance.now()), so the caller can tell elapsed time. */
  readonly startedAt: number;
  readonly due: number;
  readonly sent: number;
  readonly dropped: number;
  readonly late: number;
  /** Sent, but cancelled before an answer: still in flight at the graceful stop, or when the run was stopped. */
  readonly interrupted: number;
}

/** Longest sleep between checks, so a stop is seen promptly even between sparse arrivals. */
const MAX_NAP_MS = 50;

/**
 * The open-model generator: every arrival goes at its intended time whatever the target is
 * doing. At `maxInFlight` an arrival is dropped and counted (never queued, which would hide the
 * overload); one sent after `lateMs` is counted late, and every latency runs from the intended
 * time, so a slow target cannot shorten its own measurements (no coordinated omission).
 */
export async function generateLoad(
  input: GeneratorInput,
  onStart: (startedAt: number) => void,
): Promise<GeneratorTotals> {
  const mix = new WorkloadMix(input.weights.map((w) => w.weight));
  const counters = new Map<number, number>();
  const inFlight = new Set<Promise<void>>();
  const totals = { due: 0, sent: 0, dropped: 0, late: 0, interrupted: 0 };
  const startedAt = performance.now();
  onStart(startedAt);
  let next = input.arrivals.next();
  while (next.done !== true && !input.signal.aborted) {
    const now = performance.now() - startedAt;
    if (next.value > now) {
      await sleep(Math.min(next.value - now, MAX_NAP_MS));
      continue;
    }
    const intendedMs = next.value;
    next = input.arrivals.next();
    const workload = input.weights[mix.next()]?.workload ?? 0;
    totals.due++;
    if (inFlight.size >= input.maxInFlight) {
      totals.dropped++;
      input.onArrival(intendedMs * input.timeScale, workload, false, 0);
      continue;
    }
    const n = counters.get(workload) ?? 0;
    counters.set(workload, n + 1);
    const op = input.materialize(input.templates.get(workload) ?? [], n);
    const lateBy = now - intendedMs;
    if (lateBy > input.lateMs) totals.late++;
    totals.sent++;
    input.onArrival(intendedMs * input.timeScale, workload, true, lateBy);
    const run = send(input, { op, workload, intendedMs, startedAt }, () => totals.interrupted++).finally(() => {
      inFlight.delete(run);
      input.onInFlight(inFlight.size);
    });
    inFlight.add(run);
    input.onInFlight(inFlight.size);
  }
  await drain(inFlight, input);
  return { startedAt, ...totals };
}

/**
 * Waits for the operations in flight, at most `gracefulStopMs` (as k6's gracefulStop), and not
 * at all once the run is stopping: one waiting out a long Retry-After must not hold the run open.
 */
async function drain(inFlight: ReadonlySet<Promise<void>>, input: GeneratorInput): Promise<void> {
  if (inFlight.size > 0 && !input.signal.aborted) {
    const waiting = new AbortController();
    const stop = (): void => {
      waiting.abort();
    };
    input.signal.addEventListener('abort', stop, { once: true });
    const grace = sleep(input.gracefulStopMs, undefined, { signal: waiting.signal }).catch(() => undefined);
    await Promise.race([Promise.all(inFlight), grace]);
    waiting.abort();
    input.signal.removeEventListener('abort', stop);
  }
  if (inFlight.size > 0) input.cancel();
  await Promise.all(inFlight);
}

/** One arrival as sent: its operation, its workload and when it was meant to start (ms from `startedAt`). */
interface Arrival {
  readonly op: PlannedOperation;
  readonly workload: number;
  readonly intendedMs: number;
  readonly startedAt: number;
}

async function send(input: GeneratorInput, arrival: Arrival, interrupted: () => void): Promise<void> {
  const { op, workload, intendedMs, startedAt } = arrival;
  const outcome = await executeOperation(input.client, op);
  input.sink.accept(outcome);
  if (outcome.state === 'cancelled') {
    interrupted();
    return;
  }
  const intendedOrgMs = intendedMs * input.timeScale;
  input.onOutcome({
    workload,
    intendedMs: intendedOrgMs,
    endMs: intendedOrgMs + orgLatencyMs(performance.now() - startedAt - intendedMs, outcome),
    failed: outcome.state !== 'ok',
    throttled: throttledIn(outcome),
  });
}

/**
 * From the intended time to the answer, in the org's time: what the requests waited on the
 * org's behalf counted as the org's (each request's sample says so), and the rest (the
 * generator's lateness, the harness's own work) once, as in a run in real time.
 */
function orgLatencyMs(realMs: number, outcome: OperationOutcome): number {
  let latency = realMs;
  for (const r of outcome.requests) if (r.org !== undefined) latency += r.org.responseMs - r.responseMs;
  return latency;
}
