import { isLookupValue, type CellValue, type Row } from '../store/Row.js';
import { comparable, compareComparable } from './compareCells.js';
import type { ResolvedProperty } from './resolveProperty.js';

/** `count` counts rows; `countcolumn` counts a column's values that are not null. */
export type AggregateMethod = 'sum' | 'min' | 'max' | 'average' | 'countdistinct' | 'count' | 'countcolumn';

export interface Aggregate {
  readonly alias: string;
  readonly method: AggregateMethod;
  readonly property: ResolvedProperty | undefined;
}

export interface GroupKey {
  readonly alias: string;
  readonly property: ResolvedProperty;
}

function isDate(property: ResolvedProperty | undefined): boolean {
  return property?.column.type === 'datetime';
}

function compute(aggregate: Aggregate, rows: readonly Row[]): unknown {
  if (aggregate.method === 'count') return rows.length;
  const property = aggregate.property;
  const values = rows.map((r) => property?.get(r) ?? null).filter((v) => v !== null);
  if (aggregate.method === 'countcolumn') return values.length;
  if (aggregate.method === 'countdistinct') return new Set(values.map((v) => comparable(v, false))).size;
  const numbers = values.filter((v): v is number => typeof v === 'number');
  switch (aggregate.method) {
    case 'sum':
      return numbers.reduce((a, b) => a + b, 0);
    case 'average':
      return numbers.length === 0 ? null : numbers.reduce((a, b) => a + b, 0) / numbers.length;
    default: {
      const date = isDate(property);
      const sorted = [...values].sort((a, b) => compareComparable(comparable(a, date), comparable(b, date)));
      return (aggregate.method === 'min' ? sorted[0] : sorted.at(-1)) ?? null;
    }
  }
}

/**
 * Groups rows by `groupBy` and computes each aggregate per group: one record per group, named
 * by the aliases, ordered by the group keys. Keys group as Dataverse's SQL collation compares
 * them: text case-insensitively. With no grouping, one record over every row (even none).
 * Shared by `$apply` and FetchXML's `aggregate="true"`.
 */
export function aggregateRows(
  rows: Iterable<Row>,
  groupBy: readonly GroupKey[],
  aggregates: readonly Aggregate[],
): Record<string, unknown>[] {
  const groups = new Map<string, { keys: CellValue[]; rows: Row[] }>();
  for (const row of rows) {
    const keys = groupBy.map((g) => g.property.get(row));
    const id = JSON.stringify(keys.map((k, i) => comparable(k, isDate(groupBy[i]?.property))));
    const group = groups.get(id);
    if (group === undefined) groups.set(id, { keys, rows: [row] });
    else group.rows.push(row);
  }
  if (groupBy.length === 0 && groups.size === 0) groups.set('[]', { keys: [], rows: [] });
  const ordered = [...groups.values()].sort((a, b) => {
    for (let i = 0; i < groupBy.length; i++) {
      const date = isDate(groupBy[i]?.property);
      const order = compareComparable(comparable(a.keys[i], date), comparable(b.keys[i], date));
      if (order !== 0) return order;
    }
    return 0;
  });
  return ordered.map((group) => {
    const out: Record<string, unknown> = {};
    groupBy.forEach((g, i) => {
      const key = group.keys[i] ?? null;
      out[g.alias] = isLookupValue(key) ? key.id : key;
    });
    for (const a of aggregates) out[a.alias] = compute(a, group.rows);
    return out;
  });
}
