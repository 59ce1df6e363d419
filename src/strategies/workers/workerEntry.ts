import { parentPort, workerData, isMainThread } from 'node:worker_threads';
import { compressedClientTimes } from '../../client/compressedClientTimes.js';
import { createMockTokenProviders, createOrgTokenProviders } from '../../client/auth/createTokenProviders.js';
import { redact } from '../../client/auth/redact.js';
import { DataverseClient } from '../../client/DataverseClient.js';
import { ThrottleGate } from '../../client/retry/ThrottleGate.js';
import { MeasurementSink, type FailureInput } from '../../metrics/MeasurementSink.js';
import { isFatalCause } from '../../metrics/isFatalCause.js';
import { executeOperation } from '../executeOperation.js';
import { unguardScriptExit } from '../scriptExitGuard.js';
import { PROGRESS_INTERVAL_MS, type ParentMessage, type WorkerMessage, type WorkerStart } from './workerProtocol.js';

/** Operations after which progress is reported on the interval only: the fail-fast window is over. */
const EAGER_REPORTS = 100;

/**
 * One worker of the `threads` or `processes` strategy: its own HTTP client, one operation at a
 * time, taking the next operation index from the parent (an atomic counter for threads, IPC
 * for processes), so work is shared out dynamically like a thread pool's queue. Its client
 * waits at the run's Retry-After gates: the same shared memory for threads, relayed by the
 * parent for processes.
 */
async function run(
  start: WorkerStart,
  gates: (count: number) => ThrottleGate[],
  next: () => Promise<number | undefined>,
  send: (m: WorkerMessage) => void,
  go: () => Promise<void>,
): Promise<void> {
  unguardScriptExit();
  const { target } = start;
  const identities =
    target.identities.kind === 'mock'
      ? createMockTokenProviders(target.url, target.identities.count, target.timeScale)
      : await createOrgTokenProviders(
          target.url,
          target.identities.specs,
          target.identities.authorityHost === undefined ? {} : { authorityHost: target.identities.authorityHost },
        );
  const client = new DataverseClient({
    url: target.url,
    identities,
    gates: gates(identities.length),
    connections: 1,
    affinityCookie: target.affinityCookie ?? false,
    bypassCustomLogic: target.bypassCustomLogic ?? false,
    ...compressedClientTimes(target.timeScale ?? 1),
    ...(target.retry === undefined ? {} : { retry: target.retry }),
  });
  const sink = new MeasurementSink(target.timeScale);
  let done = 0;
  let failed = 0;
  let cause: FailureInput | undefined;
  let lastReport = Date.now();
  const report = (): void => {
    send({ type: 'progress', done, failed, ...(cause === undefined ? {} : { cause }) });
    lastReport = Date.now();
  };
  sink.onOperations = (ok, bad, c) => {
    done += ok + bad;
    failed += bad;
    if (c !== undefined && cause === undefined) cause = c;
    // Early outcomes and a lost target reach the parent's fail-fast monitor at once.
    if (done <= EAGER_REPORTS || isFatalCause(c?.kind) || Date.now() - lastReport >= PROGRESS_INTERVAL_MS) {
      if (c !== undefined) cause = c;
      report();
    }
  };
  // Set up before the clock starts: the token is fetched and the wait for the others begins.
  await identities[start.workerIndex % identities.length]?.getToken();
  send({ type: 'ready' });
  await go();
  const cpuStart = process.cpuUsage();
  try {
    for (;;) {
      const index = await next();
      if (index === undefined) break;
      const op = start.ops[index];
      if (op === undefined) break;
      // Identities are shared out by worker, as one application user per worker would be.
      sink.accept(await executeOperation(client, op, { identity: start.workerIndex }));
    }
  } finally {
    await client.close();
  }
  const cpu = process.cpuUsage(cpuStart);
  send({
    type: 'done',
    sink: sink.encode(),
    counters: client.counters,
    resources: {
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    },
  });
}

if (!isMainThread && parentPort !== null) {
  // A worker thread: operations are claimed from a shared counter; gates are the parent's memory.
  const port = parentPort;
  const { start, shared, gateBuffer } = workerData as {
    start: WorkerStart;
    shared: SharedArrayBuffer;
    gateBuffer: SharedArrayBuffer;
  };
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
  const gates = (count: number): ThrottleGate[] =>
    Array.from({ length: count }, (_, index) => new ThrottleGate({ buffer: gateBuffer, index }));
  run(
    start,
    gates,
    next,
    (m) => {
      port.postMessage(m);
    },
    go,
  ).catch((error: unknown) => {
    port.postMessage({
      type: 'failed',
      message: redact(error instanceof Error ? error.message : String(error)),
    } satisfies WorkerMessage);
  });
} else if (process.send !== undefined) {
  // A child process: operations are handed out over IPC, one at a time; 429s are relayed.
  const send = (m: WorkerMessage): void => {
    // The parent may be gone (killed): a message to nobody is not an error worth a stack trace.
    if (process.connected) process.send?.(m, undefined, undefined, () => undefined);
  };
  process.on('error', () => undefined);
  let waiting: ((index: number | undefined) => void) | undefined;
  let started: (() => void) | undefined;
  let localGates: ThrottleGate[] = [];
  const go = new Promise<void>((resolve) => (started = resolve));
  const gates = (count: number): ThrottleGate[] => {
    localGates = Array.from({ length: count }, (_, identity) => {
      const gate = new ThrottleGate();
      gate.onBlock = (until) => {
        send({ type: 'block', identity, until });
      };
      return gate;
    });
    return localGates;
  };
  process.on('message', (message: ParentMessage) => {
    switch (message.type) {
      case 'go':
        started?.();
        return;
      case 'gate':
        localGates[message.identity]?.block(message.until, true);
        return;
      case 'start': {
        const next = (): Promise<number | undefined> =>
          new Promise((resolve) => {
            waiting = resolve;
            send({ type: 'next' });
          });
        run(message.start, gates, next, send, () => go)
          .catch((error: unknown) => {
            send({ type: 'failed', message: redact(error instanceof Error ? error.message : String(error)) });
          })
          .finally(() => {
            if (process.connected) process.disconnect();
          });
        return;
      }
      default: {
        const resolve = waiting;
        waiting = undefined;
        resolve?.(message.type === 'op' ? message.index : undefined);
      }
    }
  });
  // If the parent goes away, so does this worker.
  process.on('disconnect', () => {
    process.exit(0);
  });
}
