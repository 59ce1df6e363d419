import { z } from 'zod';
import { createMultiple, updateMultiple, upsertMultiple, type BulkRequest } from '../../client/bulk/bulkRequests.js';
import type { PlannedOperation } from '../../operations/PlannedOperation.js';
import { pairs } from '../countLists.js';
import { executeOperation } from '../executeOperation.js';
import { runPool } from '../pool/runPool.js';
import { eachAlone, type RequestGroup } from '../RequestGroup.js';
import { NO_WORKERS, startProgress, type StrategyContext, type WorkerOutcome } from '../StrategyContext.js';
import { defineStrategy } from '../StrategyDescriptor.js';
import { bulkOutcomes, thrownOutcomes } from './batchOutcomes.js';
import { sizeAndInFlight, sizedRequests } from './sizedRequests.js';

export interface BulkSpec {
  readonly kind: 'bulk';
  readonly name: string;
  readonly size: number;
  readonly inFlight: number;
  readonly concurrency: number;
}

type BulkKind = 'create' | 'update' | 'upsert';

/** Splits operations into bulk groups (same kind and table, at most `size`) and the rest. */
function groupForBulk(
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
async function runBulk(ctx: StrategyContext<BulkSpec>): Promise<WorkerOutcome> {
  const { size, inFlight } = ctx.spec;
  const { groups, singles } = groupForBulk(ctx.ops, size);
  const advance = startProgress(ctx);
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
}

export const bulkStrategy = defineStrategy({
  kind: 'bulk',
  schema: z.strictObject({
    kind: z.literal('bulk'),
    ...sizeAndInFlight(
      'Records per CreateMultiple / UpdateMultiple / UpsertMultiple.',
      'Bulk requests in flight at once.',
    ),
  }),
  shorthand: /^bulk:(\d+)(?:x(\d+))?$/,
  example: 'bulk:100x2',
  fromShorthand: (m) => ({
    kind: 'bulk' as const,
    size: Number(m[1]),
    ...(m[2] === undefined ? {} : { inFlight: Number(m[2]) }),
  }),
  expand: (s) =>
    pairs(s.size, s.inFlight).map(([size, inFlight]): BulkSpec => ({
      kind: 'bulk',
      name: `bulk:${size}x${inFlight}`,
      size,
      inFlight,
      concurrency: inFlight,
    })),
  ...sizedRequests,
  parameters: (s) => ({ size: s.size, inFlight: s.inFlight }),
  requestGroups: (s, ops) => {
    const { groups, singles } = groupForBulk(ops, s.size);
    return [...groups.map((g): RequestGroup => ({ kind: 'bulk', ops: g })), ...eachAlone(singles)];
  },
  requestKind: 'bulk',
  run: runBulk,
});
