import { executeOperation } from '../executeOperation.js';
import { NO_WORKERS, startProgress, type StrategyContext, type WorkerOutcome } from '../StrategyContext.js';
import type { SpecBase } from '../StrategyDescriptor.js';
import { runPool } from './runPool.js';

/** Runs the operations on this event loop, as many in flight as the spec's concurrency. */
export async function eventLoopPool<Spec extends SpecBase>(ctx: StrategyContext<Spec>): Promise<WorkerOutcome> {
  const advance = startProgress(ctx);
  await runPool(
    ctx.ops,
    ctx.spec.concurrency,
    async (op, slot) => {
      ctx.sink.accept(await executeOperation(ctx.client, op, { worker: slot }));
    },
    ctx.signal,
    (op) => {
      advance(op.ops);
    },
  );
  return NO_WORKERS;
}
