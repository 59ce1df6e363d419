import { z } from 'zod';
import type { BatchEntryInput } from '../../client/batch/BatchTypes.js';
import type { PlannedOperation } from '../../operations/PlannedOperation.js';
import { pairs } from '../countLists.js';
import { runPool } from '../pool/runPool.js';
import { NO_WORKERS, startProgress, type StrategyContext, type WorkerOutcome } from '../StrategyContext.js';
import { defineStrategy } from '../StrategyDescriptor.js';
import { batchOutcomes, thrownOutcomes } from './batchOutcomes.js';
import { sizeAndInFlight, sizedRequests } from './sizedRequests.js';
import { toBatchEntry } from './toBatchEntry.js';

export interface BatchSpec {
  readonly kind: 'batch';
  readonly name: string;
  readonly size: number;
  readonly inFlight: number;
  readonly continueOnError: boolean;
  readonly concurrency: number;
}

/** Groups operations into `$batch` requests of at most `size` operations; a unit stays whole. */
function groupForBatch(ops: readonly PlannedOperation[], size: number): PlannedOperation[][] {
  const groups: PlannedOperation[][] = [];
  let current: PlannedOperation[] = [];
  let n = 0;
  for (const op of ops) {
    if (n + op.ops > size && current.length > 0) {
      groups.push(current);
      current = [];
      n = 0;
    }
    current.push(op);
    n += op.ops;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

async function runBatches(ctx: StrategyContext<BatchSpec>): Promise<WorkerOutcome> {
  const { size, inFlight, continueOnError } = ctx.spec;
  const advance = startProgress(ctx);
  await runPool(
    groupForBatch(ctx.ops, size),
    inFlight,
    async (group: PlannedOperation[]) => {
      const entries: BatchEntryInput[] = group.map(toBatchEntry);
      try {
        // Every planned part is safe to repeat (creates carry client-chosen keys): a lost response is sent again.
        const result = await ctx.client.batch(entries, { continueOnError, idempotent: true });
        ctx.sink.acceptAll(await batchOutcomes(ctx.client, group, result, 'batch'));
      } catch (error) {
        ctx.sink.acceptAll(thrownOutcomes(group, 'batch', error));
      }
    },
    ctx.signal,
    (group) => {
      advance(group.reduce((a, op) => a + op.ops, 0));
    },
  );
  return NO_WORKERS;
}

/** `batch:BxK`: `$batch` of size B, K in flight, continue-on-error on or off (`:stop`), as ExecuteMultiple. */
export const batchStrategy = defineStrategy({
  kind: 'batch',
  schema: z.strictObject({
    kind: z.literal('batch'),
    ...sizeAndInFlight('Operations per $batch (at most 1000).', '$batch requests in flight at once.'),
    continueOnError: z.boolean().default(true),
  }),
  shorthand: /^batch:(\d+)(?:x(\d+))?(:stop)?$/,
  example: 'batch:100x2',
  fromShorthand: (m) => ({
    kind: 'batch' as const,
    size: Number(m[1]),
    ...(m[2] === undefined ? {} : { inFlight: Number(m[2]) }),
    continueOnError: m[3] === undefined,
  }),
  expand: (s) =>
    pairs(s.size, s.inFlight).map(([size, inFlight]): BatchSpec => ({
      kind: 'batch',
      name: `batch:${size}x${inFlight}${s.continueOnError ? '' : ':stop'}`,
      size,
      inFlight,
      continueOnError: s.continueOnError,
      concurrency: inFlight,
    })),
  ...sizedRequests,
  parameters: (s) => ({ size: s.size, inFlight: s.inFlight, continueOnError: s.continueOnError }),
  requestGroups: (s, ops) => groupForBatch(ops, s.size).map((g) => ({ kind: 'batch', ops: g })),
  requestKind: 'batch',
  run: runBatches,
});
