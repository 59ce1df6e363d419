import type { DataverseClient } from '../client/DataverseClient.js';
import type { MeasurementSink } from '../metrics/MeasurementSink.js';
import type { PlannedOperation } from '../operations/PlannedOperation.js';
import type { WorkerTarget } from './workers/workerProtocol.js';
import type { ClientCounters } from '../client/ClientCounters.js';
import type { ThrottleGate } from '../client/retry/ThrottleGate.js';
import type { FailureInput } from '../metrics/MeasurementSink.js';
import type { SpecBase } from './StrategyDescriptor.js';

/** Everything a strategy gets: the same planned operations, a client, and where to record. */
export interface StrategyContext<Spec extends SpecBase = SpecBase> {
  readonly spec: Spec;
  readonly ops: readonly PlannedOperation[];
  readonly client: DataverseClient;
  readonly sink: MeasurementSink;
  /** How worker threads and processes reach the target with their own clients. */
  readonly target: WorkerTarget;
  /** Set when the run is interrupted: start no new operation. */
  readonly signal: AbortSignal;
  /** Called with the number of operations finished so far (for progress). */
  readonly onProgress: (done: number) => void;
  /**
   * Called once every worker is set up (client built, token in hand), just before the first
   * operation: the wall time is measured from here, so start-up is reported apart.
   */
  readonly onReady: () => void;
  /** The adaptive strategy reports the mean concurrency it ran at. */
  readonly onAdaptiveWindow?: (meanWorkers: number) => void;
  /** The run's Retry-After gates, one per identity, in shared memory (threads map the same buffer). */
  readonly gates: RunGates;
  /** Worker threads and processes report their running outcome totals here (the fail-fast monitor). */
  readonly onWorkerOutcomes?: (done: number, failed: number, cause: FailureInput | undefined) => void;
}

/** One Retry-After gate per identity for the whole run; `buffer` backs them all. */
export interface RunGates {
  readonly buffer: SharedArrayBuffer;
  readonly gates: readonly ThrottleGate[];
}

export interface WorkerOutcome {
  /** Counters of clients that ran in other threads or processes; the main client's are read directly. */
  readonly counters: readonly ClientCounters[];
  /** CPU and peak memory of child processes (threads are part of this process). */
  readonly children: readonly { cpuUserMs: number; cpuSystemMs: number; peakRssBytes: number }[];
}

/** Nothing ran outside this process. */
export const NO_WORKERS: WorkerOutcome = { counters: [], children: [] };

/** Starts the clock (set-up is over) and answers a function that adds finished operations to the progress. */
export function startProgress(ctx: StrategyContext): (n: number) => void {
  ctx.onReady();
  let done = 0;
  return (n) => {
    done += n;
    ctx.onProgress(done);
  };
}
