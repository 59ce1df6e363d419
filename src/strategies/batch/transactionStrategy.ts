import { z } from 'zod';
import type { BatchEntryInput } from '../../client/batch/BatchTypes.js';
import type { PlannedOperation } from '../../operations/PlannedOperation.js';
import { counts, oneCount, type CountSpec } from '../countLists.js';
import { executeOperation } from '../executeOperation.js';
import { runPool } from '../pool/runPool.js';
import { alone, eachAlone, type RequestGroup } from '../RequestGroup.js';
import { NO_WORKERS, startProgress, type StrategyContext, type WorkerOutcome } from '../StrategyContext.js';
import { defineStrategy } from '../StrategyDescriptor.js';
import { batchOutcomes, thrownOutcomes } from './batchOutcomes.js';
import { toBatchEntry, unitChangeset } from './toBatchEntry.js';

type TransactionSpec = CountSpec<'transaction', 'inFlight'>;

/** GET is not allowed in a changeset: reads go alone. */
const isRead = (op: PlannedOperation): boolean => op.kind === 'query' || op.kind === 'retrieve';

async function runTransactions(ctx: StrategyContext<TransactionSpec>): Promise<WorkerOutcome> {
  const advance = startProgress(ctx);
  await runPool(
    ctx.ops,
    ctx.spec.inFlight,
    async (op) => {
      if (isRead(op)) {
        ctx.sink.accept(await executeOperation(ctx.client, op));
        return;
      }
      const entry: BatchEntryInput =
        op.kind === 'unit' ? unitChangeset(op) : { changeset: [toBatchEntry(op) as never] };
      try {
        const result = await ctx.client.batch([entry], { idempotent: true });
        ctx.sink.acceptAll(await batchOutcomes(ctx.client, [op], result, 'changeset'));
      } catch (error) {
        ctx.sink.acceptAll(thrownOutcomes([op], 'changeset', error));
      }
    },
    ctx.signal,
    (op) => {
      advance(op.ops);
    },
  );
  return NO_WORKERS;
}

/** `transaction:K`: every operation (a unit, or a single one) as its own changeset, K in flight (ExecuteTransaction). */
export const transactionStrategy = defineStrategy({
  kind: 'transaction',
  schema: z.strictObject({
    kind: z.literal('transaction'),
    inFlight: counts.default(1).describe('Changesets in flight at once.'),
  }),
  ...oneCount('transaction', 'inFlight', 4),
  runsScripts: false,
  requestGroups: (_s, ops) =>
    eachAlone(ops, (op): RequestGroup => (isRead(op) ? alone(op) : { kind: 'changeset', ops: [op] })),
  requestKind: 'changeset',
  chartFamily: 'requests',
  run: runTransactions,
});
