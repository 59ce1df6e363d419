import { parentPort, workerData, isMainThread } from 'node:worker_threads';
import { createMockTokenProviders, createOrgTokenProviders } from '../client/auth/createTokenProviders.js';
import { redact } from '../client/auth/redact.js';
import { DataverseClient } from '../client/DataverseClient.js';
import { MeasurementSink } from '../metrics/MeasurementSink.js';
import { executeOperation } from './executeOperation.js';
import type { ParentMessage, WorkerMessage, WorkerStart } from './workerProtocol.js';

/**
 * One worker of the `threads` or `processes` strategy: its own HTTP client, one operation at a
 * time, taking the next operation index from the parent (an atomic counter for threads, IPC
 * for processes), so work is shared out dynamically like a thread pool's queue.
 */
async function run(start: WorkerStart, next: () => Promise<number | undefined>, send: (m: WorkerMessage) => void, go: () => Promise<void>): Promise<void> {
  const { target } = start;
  const identities =
    target.identities.kind === 'mock'
      ? createMockTokenProviders(target.url, target.identities.count)
      : await createOrgTokenProviders(target.url, target.identities.specs, target.identities.authorityHost === undefined ? {} : { authorityHost: target.identities.authorityHost });
  const client = new DataverseClient({ url: target.url, identities, connections: 1, ...(target.retry === undefined ? {} : { retry: target.retry }) });
  const sink = new MeasurementSink();
  // Set up before the clock starts: the token is fetched and the wait for the others begins.
  await identities[start.workerIndex % identities.length]?.getToken();
  send({ type: 'ready' });
  await go();
  const cpuStart = process.cpuUsage();
  let done = 0;
  let lastReport = Date.now();
  try {
    for (;;) {
      const index = await next();
      if (index === undefined) break;
      const op = start.ops[index];
      if (op === undefined) break;
      // Identities are shared out by worker, as one application user per worker would be.
      await executeOperation(client, op, sink, start.workerIndex);
      done += op.ops;
      if (Date.now() - lastReport >= 200) {
        send({ type: 'progress', done });
        lastReport = Date.now();
      }
    }
  } finally {
    await client.close();
  }
  const cpu = process.cpuUsage(cpuStart);
  send({
    type: 'done',
    sink: sink.encode(),
    counters: client.counters,
    resources: { cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000, peakRssBytes: process.resourceUsage().maxRSS * 1024 },
  });
}

if (!isMainThread && parentPort !== null) {
  // A worker thread: operations are claimed from a shared counter.
  const port = parentPort;
  const { start, shared } = workerData as { start: WorkerStart; shared: SharedArrayBuffer };
  const view = new Int32Array(shared);
  const go = (): Promise<void> => {
    // Slot 2 is the start flag; this thread has nothing else to do until it is set.
    Atomics.wait(view, 2, 0);
    return Promise.resolve();
  };
  const next = (): Promise<number | undefined> => {
    if (Atomics.load(view, 1) === 1) return Promise.resolve(undefined);
    const index = Atomics.add(view, 0, 1);
    return Promise.resolve(index < start.ops.length ? index : undefined);
  };
  run(start, next, (m) => {
    port.postMessage(m);
  }, go).catch((error: unknown) => {
    port.postMessage({ type: 'failed', message: redact(error instanceof Error ? error.message : String(error)) } satisfies WorkerMessage);
  });
} else if (process.send !== undefined) {
  // A child process: operations are handed out over IPC, one at a time.
  const send = (m: WorkerMessage): void => {
    process.send?.(m);
  };
  let waiting: ((index: number | undefined) => void) | undefined;
  let started: (() => void) | undefined;
  const go = new Promise<void>((resolve) => (started = resolve));
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'go') {
      started?.();
      return;
    }
    if (message.type === 'start') {
      const next = (): Promise<number | undefined> =>
        new Promise((resolve) => {
          waiting = resolve;
          send({ type: 'next' });
        });
      run(message.start, next, send, () => go)
        .catch((error: unknown) => {
          send({ type: 'failed', message: redact(error instanceof Error ? error.message : String(error)) });
        })
        .finally(() => {
          process.disconnect();
        });
    } else {
      const resolve = waiting;
      waiting = undefined;
      resolve?.(message.type === 'op' ? message.index : undefined);
    }
  });
  // If the parent goes away, so does this worker.
  process.on('disconnect', () => {
    process.exit(0);
  });
}
