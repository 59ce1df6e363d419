import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import type { ClientCounters } from '../client/ClientCounters.js';
import { compiledModule } from '../runner/compiledModule.js';
import type { Strategy, StrategyContext } from './StrategyContext.js';
import type { ParentMessage, WorkerMessage, WorkerStart } from './workerProtocol.js';

interface Finished {
  counters: ClientCounters[];
  children: { cpuUserMs: number; cpuSystemMs: number; peakRssBytes: number }[];
}

function handle(message: WorkerMessage, ctx: StrategyContext, progress: number[], i: number, finished: Finished, fail: (e: Error) => void): void {
  if (message.type === 'ready') return;
  if (message.type === 'progress') {
    progress[i] = message.done;
    ctx.onProgress(progress.reduce((a, b) => a + b, 0));
  } else if (message.type === 'done') {
    ctx.sink.merge(message.sink);
    finished.counters.push(message.counters);
    finished.children.push(message.resources);
    progress[i] = message.sink.operations;
    ctx.onProgress(progress.reduce((a, b) => a + b, 0));
  } else if (message.type === 'failed') {
    fail(new Error(`worker ${i + 1}: ${message.message}`));
  }
}

/** `threads`: N worker_threads, each with its own HTTP client; results merged exactly. */
export const threadsStrategy: Strategy = async (ctx) => {
  if (ctx.spec.kind !== 'threads') throw new Error('threadsStrategy needs a threads spec');
  const shared = new SharedArrayBuffer(12);
  const view = new Int32Array(shared);
  const stop = (): void => {
    Atomics.store(view, 1, 1);
  };
  ctx.signal.addEventListener('abort', stop);
  const finished: Finished = { counters: [], children: [] };
  const progress = Array<number>(ctx.spec.workers).fill(0);
  const entry = compiledModule('strategies/workerEntry.js');
  const workers = ctx.spec.workers;
  let ready = 0;
  const onReady = (): void => {
    if (++ready < workers) return;
    ctx.onReady();
    Atomics.store(view, 2, 1);
    Atomics.notify(view, 2);
  };
  try {
    await Promise.all(
      Array.from({ length: workers }, (_, i) => {
        const start: WorkerStart = { ops: ctx.ops, target: ctx.target, workerIndex: i };
        const worker = new Worker(entry, { workerData: { start, shared } });
        return new Promise<void>((resolve, reject) => {
          worker.on('message', (m: WorkerMessage) => {
            if (m.type === 'ready') onReady();
            handle(m, ctx, progress, i, finished, reject);
          });
          worker.on('error', reject);
          worker.on('exit', () => {
            resolve();
          });
        });
      }),
    );
  } finally {
    ctx.signal.removeEventListener('abort', stop);
  }
  // Threads share this process: their CPU and memory are in the process's own figures.
  return { counters: finished.counters, children: [] };
};

/** `processes`: N child processes, the analogue of Python's ProcessPoolExecutor. */
export const processesStrategy: Strategy = async (ctx) => {
  if (ctx.spec.kind !== 'processes') throw new Error('processesStrategy needs a processes spec');
  const entry = compiledModule('strategies/workerEntry.js');
  const finished: Finished = { counters: [], children: [] };
  const progress = Array<number>(ctx.spec.workers).fill(0);
  let nextIndex = 0;
  const workers = ctx.spec.workers;
  const children: ((m: ParentMessage) => void)[] = [];
  let ready = 0;
  await Promise.all(
    Array.from({ length: workers }, (_, i) => {
      const child = fork(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
      return new Promise<void>((resolve, reject) => {
        const send = (m: ParentMessage): void => {
          if (child.connected) child.send(m);
        };
        children.push(send);
        child.on('message', (m: WorkerMessage) => {
          if (m.type === 'ready' && ++ready === workers) {
            ctx.onReady();
            for (const s of children) s({ type: 'go' });
          }
          if (m.type === 'next') {
            if (ctx.signal.aborted || nextIndex >= ctx.ops.length) send({ type: 'stop' });
            else send({ type: 'op', index: nextIndex++ });
            return;
          }
          handle(m, ctx, progress, i, finished, reject);
        });
        child.on('error', reject);
        child.on('exit', (code) => {
          if (code !== 0 && code !== null) reject(new Error(`worker process ${i + 1} exited with code ${code}`));
          else resolve();
        });
        send({ type: 'start', start: { ops: ctx.ops, target: ctx.target, workerIndex: i } });
      });
    }),
  );
  return finished;
};
