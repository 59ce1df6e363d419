import { z } from 'zod';
import { counts, oneCount, type CountSpec } from '../countLists.js';
import type { ClientCounters } from '../../client/ClientCounters.js';
import type { FailureInput } from '../../metrics/MeasurementSink.js';
import type { StrategyContext } from '../StrategyContext.js';
import type { WorkerMessage } from './workerProtocol.js';

export interface Finished {
  counters: ClientCounters[];
  children: { cpuUserMs: number; cpuSystemMs: number; peakRssBytes: number }[];
}

/**
 * Workers that ended without reporting (killed, or exited): the strategy fails, not the run. It
 * carries what the other workers finished, which they did: the queue went on without the lost one.
 */
export class WorkerLost extends Error {
  readonly outcome: Finished;

  constructor(lost: readonly string[], outcome: Finished) {
    super(lost.join('; '));
    this.outcome = outcome;
  }
}

/** Running totals over every worker, for progress and the fail-fast monitor. */
export class Totals {
  readonly #done: number[];
  readonly #failed: number[];

  constructor(workers: number) {
    this.#done = Array<number>(workers).fill(0);
    this.#failed = Array<number>(workers).fill(0);
  }

  update(ctx: StrategyContext, i: number, done: number, failed: number, cause: FailureInput | undefined): void {
    this.#done[i] = done;
    this.#failed[i] = failed;
    const all = this.#done.reduce((a, b) => a + b, 0);
    ctx.onProgress(all);
    ctx.onWorkerOutcomes?.(
      all,
      this.#failed.reduce((a, b) => a + b, 0),
      cause,
    );
  }
}

/** A worker's side of the pool: its number, where its outcome goes, and how it fails the strategy. */
export interface WorkerSlot {
  readonly i: number;
  readonly finished: Finished;
  readonly fail: (e: Error) => void;
}

export function handle(
  message: WorkerMessage,
  ctx: StrategyContext,
  totals: Totals,
  { i, finished, fail }: WorkerSlot,
): void {
  if (message.type === 'progress') totals.update(ctx, i, message.done, message.failed, message.cause);
  else if (message.type === 'done') {
    ctx.sink.merge(message.sink);
    finished.counters.push(message.counters);
    finished.children.push(message.resources);
    totals.update(ctx, i, message.sink.operations, message.sink.failedOperations, undefined);
  } else if (message.type === 'failed') {
    fail(new Error(`worker ${i + 1}: ${message.message}`));
  }
}

/** Worker threads and processes: a count of them, each with its own HTTP client. */
export type WorkersSpec<K extends 'threads' | 'processes'> = CountSpec<K, 'workers'>;

/** The parts of a worker strategy's descriptor that threads and processes share. */
export function workersDescriptor<K extends 'threads' | 'processes'>(kind: K, describe: string) {
  return {
    kind,
    schema: z.strictObject({ kind: z.literal(kind), workers: counts.describe(describe) }),
    ...oneCount(kind, 'workers', 4),
  };
}
