import type { OperationCost } from '../../mock-server/index.js';
import type { PlannedOperation } from '../operations/PlannedOperation.js';
import type { RequestGroup } from '../strategies/RequestGroup.js';

/** The server work of one request, as the mock's cost model counts it, and its operations (for client time). */
export interface EstimatedRequest {
  readonly costs: readonly OperationCost[];
  readonly items: number;
}

type QueryOp = Extract<PlannedOperation, { kind: 'query' }>;

/** How many records a query matches (counted on the seeded data where it can be, else the table's size). */
export type MatchingRows = (op: QueryOp) => number;

/** `$apply` or an aggregate FetchXML: the server reads the rows, and answers one row per group. */
const AGGREGATE = /(?:^|&)(?:%24|\$)apply=|aggregate(?:=|%3D)(?:"|%22|'|%27)true/i;

/** Groups an aggregate answers, when nothing better is known. */
const AGGREGATE_ROWS = 50;

/** Records the first page of a query returns. */
function firstPage(op: QueryOp, rows: MatchingRows): number {
  const records = Math.min(op.pageSize, rows(op));
  return AGGREGATE.test(op.pathAndQuery.slice(op.pathAndQuery.indexOf('?') + 1))
    ? Math.min(records, AGGREGATE_ROWS)
    : records;
}

/** The work of one operation, as the mock charges it (a unit is one changeset of creates). */
function opCosts(op: PlannedOperation, rows: MatchingRows, within: Partial<OperationCost>): OperationCost[] {
  switch (op.kind) {
    case 'retrieve':
      return [{ kind: 'read', table: op.table, ...within }];
    case 'query':
      return [{ kind: 'read', records: firstPage(op, rows), table: op.table, ...within }];
    case 'create':
    case 'update':
    case 'delete':
      return [{ kind: op.kind, table: op.table, ...within }];
    case 'upsert':
      return [
        { kind: within.inBulk === true ? (op.creates ? 'create' : 'update') : 'upsert', table: op.table, ...within },
      ];
    case 'unit':
      return [
        { kind: 'changeset' },
        ...op.creates.map((c) => ({ kind: 'create' as const, table: c.table, inBatch: true })),
      ];
    case 'script':
      // Only the first of what a script declares it sends: the rest are requests of their own (scriptRequests).
      return [{ kind: op.sends[0] ?? 'read', ...within }];
  }
}

/** Pages after a query's first: each its own GET, outside any $batch. */
function laterPages(op: PlannedOperation, rows: MatchingRows): EstimatedRequest[] {
  if (op.kind !== 'query' || !op.followPaging) return [];
  const records = rows(op);
  const pages = Math.max(1, Math.ceil(records / op.pageSize));
  return Array.from({ length: pages - 1 }, (_, i) => ({
    costs: [
      { kind: 'read' as const, records: Math.min(op.pageSize, records - (i + 1) * op.pageSize), table: op.table },
    ],
    items: 1,
  }));
}

/** A script's declared requests after its first (`sends`), each a request of its own. */
function scriptRequests(op: PlannedOperation): EstimatedRequest[] {
  if (op.kind !== 'script') return [];
  return op.sends.slice(1).map((kind) => ({ costs: [{ kind }], items: 1 }));
}

/** The requests one group becomes, with the mock's costs for each: framing, then each operation. */
export function estimatedRequests(group: RequestGroup, rows: MatchingRows): EstimatedRequest[] {
  const { kind, ops } = group;
  const pages = ops.flatMap((op) => [...laterPages(op, rows), ...scriptRequests(op)]);
  const items = ops.reduce((a, op) => a + op.ops, 0);
  const unitAlone = (op: PlannedOperation): OperationCost[] =>
    op.kind === 'unit' ? [{ kind: 'batch' }, ...opCosts(op, rows, {})] : opCosts(op, rows, {});
  let costs: OperationCost[];
  if (kind === 'single') costs = ops.flatMap(unitAlone);
  else if (kind === 'bulk') costs = [{ kind: 'bulk' }, ...ops.flatMap((op) => opCosts(op, rows, { inBulk: true }))];
  else if (kind === 'changeset')
    costs = [
      { kind: 'batch' },
      ...ops.flatMap((op) =>
        op.kind === 'unit'
          ? opCosts(op, rows, {})
          : [{ kind: 'changeset' as const }, ...opCosts(op, rows, { inBatch: true })],
      ),
    ];
  else costs = [{ kind: 'batch' }, ...ops.flatMap((op) => opCosts(op, rows, { inBatch: true }))];
  return [{ costs, items }, ...pages];
}
