import { Worker } from 'node:worker_threads';
import { compiledModule } from '../../../util/compiledModule.js';
import type { StrategyContext, WorkerOutcome } from '../StrategyContext.js';
import { defineStrategy } from '../StrategyDescriptor.js';
import { startBarrier } from './startBarrier.js';
import type { WorkerMessage, WorkerStart } from './workerProtocol.js';
import { Totals, WorkerLost, handle, workersDescriptor, type Finished, type WorkersSpec } from './workerPool.js';

/**
 * `threads`: N worker_threads, each with its own HTTP client; results merged exactly; Retry-After
 * gates in shared memory.
 */
async function runThreads(ctx: StrategyContext<WorkersSpec<'threads'>>): Promise<WorkerOutcome> {
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
  const entry = compiledModule('strategies/workers/workerEntry.js');
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
}

export const threadsStrategy = defineStrategy({
  ...workersDescriptor('threads', 'worker_threads, each with its own HTTP client, one operation at a time each.'),
  osWorkers: { noun: 'threads', count: (s) => s.workers, startMs: 60, bytes: 30 * 1024 * 1024 },
  run: runThreads,
});
