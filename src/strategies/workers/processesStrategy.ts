import { fork } from 'node:child_process';
import { compiledModule } from '../../../util/compiledModule.js';
import type { StrategyContext, WorkerOutcome } from '../StrategyContext.js';
import { defineStrategy } from '../StrategyDescriptor.js';
import { startBarrier } from './startBarrier.js';
import type { ParentMessage, WorkerMessage } from './workerProtocol.js';
import { Totals, WorkerLost, handle, workersDescriptor, type Finished, type WorkersSpec } from './workerPool.js';

/**
 * `processes`: N child processes, the analogue of Python's ProcessPoolExecutor. Processes share
 * no memory: a 429 one of them meets is sent here, applied to the run's gate, and relayed to
 * every other child, so all of an identity's workers wait out the same Retry-After.
 */
async function runProcesses(ctx: StrategyContext<WorkersSpec<'processes'>>): Promise<WorkerOutcome> {
  const entry = compiledModule('strategies/workers/workerEntry.js');
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
}

export const processesStrategy = defineStrategy({
  ...workersDescriptor('processes', 'Child processes, each with its own HTTP client (like ProcessPoolExecutor).'),
  osWorkers: { noun: 'processes', count: (s) => s.workers, startMs: 350, bytes: 90 * 1024 * 1024 },
  run: runProcesses,
});
