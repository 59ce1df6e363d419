import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import type { ClientCounters } from '../client/ClientCounters.js';
import type { FailureInput } from '../metrics/MeasurementSink.js';
import { compiledModule } from '../../util/compiledModule.js';
import type { Strategy, StrategyContext } from './StrategyContext.js';
import type { ParentMessage, WorkerMessage, WorkerStart } from './workerProtocol.js';
import { startBarrier } from './startBarrier.js';

export interface Finished {
  counters: ClientCounters[];
  children: { cpuUserMs: number; cpuSystemMs: number; peakRssBytes: number }[];
}

/** Running totals over every worker, for progress and the fail-fast monitor. */
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

class Totals {
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
interface WorkerSlot {
  readonly i: number;
  readonly finished: Finished;
  readonly fail: (e: Error) => void;
}

function handle(message: WorkerMessage, ctx: StrategyContext, totals: Totals, { i, finished, fail }: WorkerSlot): void {
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

/**
 * `threads`: N worker_threads, each with its own HTTP client; results merged exactly; Retry-After
 * gates in shared memory.
 */
export const threadsStrategy: Strategy = async (ctx) => {
  if (ctx.spec.kind !== 'threads') throw new Error('threadsStrategy needs a threads spec');
  const shared = new SharedArrayBuffer(12);
  const view = new Int32Array(shared);
  const stop = (): void => {
    Atomics.store(view, 1, 1);
  };
  ctx.signal.addEventListener('abort', stop);
  if (ctx.signal.aborted) stop();
  const finished: Finished = { counters: [], children: [] };
  const lost: string[] = [];
  const workers = ctx.spec.workers;
  const totals = new Totals(workers);
  const entry = compiledModule('strategies/workerEntry.js');
  const barrier = startBarrier(workers, () => {
    ctx.onReady();
    Atomics.store(view, 2, 1);
    Atomics.notify(view, 2);
  });
  try {
    await Promise.all(
      Array.from({ length: workers }, (_, i) => {
        const start: WorkerStart = { ops: ctx.ops, target: ctx.target, workerIndex: i };
        const worker = new Worker(entry, { workerData: { start, shared, gateBuffer: ctx.gates.buffer } });
        const arrive = barrier.member();
        return new Promise<void>((resolve, reject) => {
          let reported = false;
          worker.on('message', (m: WorkerMessage) => {
            if (m.type === 'ready') arrive();
            if (m.type === 'done') reported = true;
            handle(m, ctx, totals, { i, finished, fail: reject });
          });
          worker.on('error', reject);
          worker.on('exit', (code) => {
            arrive();
            // A thread that ended without its report took its operation and measurements with it.
            if (!reported) lost.push(`worker thread ${i + 1} ended (exit code ${code}) before reporting`);
            resolve();
          });
        });
      }),
    );
  } finally {
    ctx.signal.removeEventListener('abort', stop);
  }
  // Threads share this process: their CPU and memory are in the process's own figures.
  if (lost.length > 0) throw new WorkerLost(lost, { counters: finished.counters, children: [] });
  return { counters: finished.counters, children: [] };
};

/**
 * `processes`: N child processes, the analogue of Python's ProcessPoolExecutor. Processes share
 * no memory: a 429 one of them meets is sent here, applied to the run's gate, and relayed to
 * every other child, so all of an identity's workers wait out the same Retry-After.
 */
export const processesStrategy: Strategy = async (ctx) => {
  if (ctx.spec.kind !== 'processes') throw new Error('processesStrategy needs a processes spec');
  const entry = compiledModule('strategies/workerEntry.js');
  const finished: Finished = { counters: [], children: [] };
  const lost: string[] = [];
  const workers = ctx.spec.workers;
  const totals = new Totals(workers);
  let nextIndex = 0;
  const children: ((m: ParentMessage) => void)[] = [];
  const barrier = startBarrier(workers, () => {
    ctx.onReady();
    for (const s of children) s({ type: 'go' });
  });
  await Promise.all(
    Array.from({ length: workers }, (_, i) => {
      const child = fork(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
      const arrive = barrier.member();
      return new Promise<void>((resolve, reject) => {
        let reported = false;
        const send = (m: ParentMessage): void => {
          if (child.connected) child.send(m, undefined, undefined, () => undefined);
        };
        children.push(send);
        child.on('message', (m: WorkerMessage) => {
          if (m.type === 'done') reported = true;
          if (m.type === 'ready') arrive();
          if (m.type === 'next') {
            if (ctx.signal.aborted || nextIndex >= ctx.ops.length) send({ type: 'stop' });
            else send({ type: 'op', index: nextIndex++ });
            return;
          }
          if (m.type === 'block') {
            ctx.gates.gates[m.identity]?.block(m.until, true);
            children.forEach((s, k) => {
              if (k !== i) s({ type: 'gate', identity: m.identity, until: m.until });
            });
            return;
          }
          handle(m, ctx, totals, { i, finished, fail: reject });
        });
        child.on('error', reject);
        // 'close', not 'exit': by then every message the child sent has arrived.
        child.on('close', (code, signal) => {
          arrive();
          // Killed (SIGKILL, the OOM killer) or exited without its report: its operation in flight
          // and its unsent measurements are gone, so the strategy cannot be judged as finished.
          if (!reported || code !== 0)
            lost.push(
              `worker process ` +
                `${i + 1} ${signal === null ? `exited with code ${code}` : `was killed by ${signal}`} before reporting`,
            );
          resolve();
        });
        send({ type: 'start', start: { ops: ctx.ops, target: ctx.target, workerIndex: i } });
      });
    }),
  );
  if (lost.length > 0) throw new WorkerLost(lost, finished);
  return finished;
};
