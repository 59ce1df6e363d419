import type { BatchEntryInput } from '../client/batch/BatchTypes.js';
import { createMultiple, updateMultiple, upsertMultiple, type BulkRequest } from '../client/bulk/bulkRequests.js';
import type { PlannedOperation } from '../scenario/PlannedOperation.js';
import { batchOutcomes, bulkOutcomes, thrownOutcomes } from './batchOutcomes.js';
import { executeOperation } from './executeOperation.js';
import { toBatchEntry, unitChangeset } from './toBatchEntry.js';
import { runPool } from './runPool.js';
import type { Strategy, StrategyContext } from './StrategyContext.js';

function progress(ctx: StrategyContext): (n: number) => void {
  ctx.onReady();
  let done = 0;
  return (n) => {
    done += n;
    ctx.onProgress(done);
  };
}

const NO_WORKERS = { counters: [], children: [] };

/** `sequential` and `async`: one event loop, N operations in flight. */
export const poolStrategy: Strategy = async (ctx) => {
  const concurrency = ctx.spec.kind === 'async' ? ctx.spec.workers : 1;
  const advance = progress(ctx);
  await runPool(
    ctx.ops,
    concurrency,
    async (op, slot) => {
      ctx.sink.accept(await executeOperation(ctx.client, op, { worker: slot }));
    },
    ctx.signal,
    (op) => {
      advance(op.ops);
    },
  );
  return NO_WORKERS;
};

/** Groups operations into `$batch` requests of at most `size` operations; a unit stays whole. */
export function groupForBatch(ops: readonly PlannedOperation[], size: number): PlannedOperation[][] {
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

/** `batch`: `$batch` of size B, K in flight, continue-on-error on or off (ExecuteMultiple). */
export const batchStrategy: Strategy = async (ctx) => {
  if (ctx.spec.kind !== 'batch') throw new Error('batchStrategy needs a batch spec');
  const { size, inFlight, continueOnError } = ctx.spec;
  const advance = progress(ctx);
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
};

/** `transaction`: every operation (a unit, or a single one) as its own changeset (ExecuteTransaction). */
export const transactionStrategy: Strategy = async (ctx) => {
  const inFlight = ctx.spec.kind === 'transaction' ? ctx.spec.inFlight : 1;
  const advance = progress(ctx);
  await runPool(
    ctx.ops,
    inFlight,
    async (op) => {
      const entry: BatchEntryInput =
        op.kind === 'unit' ? unitChangeset(op) : { changeset: [toBatchEntry(op) as never] };
      if (op.kind === 'query' || op.kind === 'retrieve') {
        // GET is not allowed in a changeset: reads go alone.
        ctx.sink.accept(await executeOperation(ctx.client, op));
        return;
      }
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
};

type BulkKind = 'create' | 'update' | 'upsert';

/** Splits operations into bulk groups (same kind and table, at most `size`) and the rest. */
export function groupForBulk(
  ops: readonly PlannedOperation[],
  size: number,
): { groups: PlannedOperation[][]; singles: PlannedOperation[] } {
  const byKey = new Map<string, PlannedOperation[]>();
  const singles: PlannedOperation[] = [];
  for (const op of ops) {
    if (op.kind === 'create' || op.kind === 'update' || op.kind === 'upsert') {
      const key = `${op.kind}|${op.table}`;
      const list = byKey.get(key) ?? [];
      list.push(op);
      byKey.set(key, list);
    } else singles.push(op);
  }
  const groups: PlannedOperation[][] = [];
  for (const list of byKey.values()) for (let i = 0; i < list.length; i += size) groups.push(list.slice(i, i + size));
  return { groups, singles };
}

function bulkRequest(group: readonly PlannedOperation[]): BulkRequest {
  const first = group[0];
  if (first === undefined || (first.kind !== 'create' && first.kind !== 'update' && first.kind !== 'upsert'))
    throw new Error('empty or non-bulk group');
  const kind: BulkKind = first.kind;
  const records = group.map((op) => {
    if (op.kind === 'create') return { ...op.record };
    if (op.kind === 'update') return { ...op.changes, [op.primaryKey]: op.id };
    if (op.kind === 'upsert') return { ...op.record, '@odata.id': `${op.set}(${op.keyText})` };
    throw new Error('mixed bulk group');
  });
  if (kind === 'create') return createMultiple(first.set, first.table, records);
  if (kind === 'update') return updateMultiple(first.set, first.table, records);
  return upsertMultiple(first.set, first.table, records);
}

/**
 * `bulk`: creates, updates and upserts go as CreateMultiple / UpdateMultiple / UpsertMultiple
 * of size B, K in flight; reads, deletes and units have no bulk message and go alone.
 */
export const bulkStrategy: Strategy = async (ctx) => {
  if (ctx.spec.kind !== 'bulk') throw new Error('bulkStrategy needs a bulk spec');
  const { size, inFlight } = ctx.spec;
  const { groups, singles } = groupForBulk(ctx.ops, size);
  const advance = progress(ctx);
  const work: ({ bulk: PlannedOperation[] } | { single: PlannedOperation })[] = [
    ...groups.map((bulk) => ({ bulk })),
    ...singles.map((single) => ({ single })),
  ];
  await runPool(
    work,
    inFlight,
    async (item) => {
      if ('single' in item) {
        ctx.sink.accept(await executeOperation(ctx.client, item.single));
        return;
      }
      try {
        // Bulk messages are all or nothing, and creates carry client-chosen keys: safe to send again.
        const result = await ctx.client.bulk(bulkRequest(item.bulk), {
          idempotent: true,
          createWithKey: item.bulk[0]?.kind === 'create',
        });
        ctx.sink.acceptAll(bulkOutcomes(item.bulk, result));
      } catch (error) {
        ctx.sink.acceptAll(thrownOutcomes(item.bulk, 'bulk', error));
      }
    },
    ctx.signal,
    (item) => {
      advance('single' in item ? item.single.ops : item.bulk.length);
    },
  );
  return NO_WORKERS;
};
