import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { Catalogue } from '../metadata/Catalogue.js';
import type { ColumnDefinition } from '../metadata/TableDefinition.js';
import { FORMATTED_VALUE, formattedValue } from '../records/formattedValue.js';
import { isLookupValue, type CellValue, type Row } from '../store/Row.js';
import type { Store } from '../store/Store.js';
import { comparable, compareComparable } from './compareCells.js';
import type { ResolvedProperty } from './resolveProperty.js';

/** `count` counts rows; `countcolumn` counts a column's values that are not null. */
export type AggregateMethod = 'sum' | 'min' | 'max' | 'average' | 'countdistinct' | 'count' | 'countcolumn';

export interface Aggregate {
  readonly alias: string;
  readonly method: AggregateMethod;
  readonly property: ResolvedProperty | undefined;
}

/**
 * Dataverse aggregates at most this many records per query, in `$apply` and FetchXML alike
 * (AggregateQueryRecordLimit).
 */
const AGGREGATE_RECORD_LIMIT = 50_000;

/** The rows `test` keeps, refused past the aggregate limit as Dataverse refuses the query. */
export function rowsToAggregate(rows: Iterable<Row>, test: (row: Row) => boolean): Row[] {
  const kept: Row[] = [];
  for (const row of rows) {
    if (!test(row)) continue;
    if (kept.length === AGGREGATE_RECORD_LIMIT) throw dataverseErrors.aggregateLimit();
    kept.push(row);
  }
  return kept;
}

/** With `Prefer: odata.include-annotations` covering it, each value's `FormattedValue` goes before it. */
export type AggregateFormat = { readonly catalogue: Catalogue; readonly store: Store } | undefined;

/** A count formats as a whole number; other aggregates as their column's values do. */
const COUNTED: ColumnDefinition = { name: 'count', type: 'int' };

function put(
  out: Record<string, unknown>,
  alias: string,
  value: CellValue,
  column: ColumnDefinition,
  format: AggregateFormat,
): void {
  if (format !== undefined && value !== null) {
    const text = formattedValue(column, value, format);
    if (text !== undefined) out[`${alias}@${FORMATTED_VALUE}`] = text;
  }
  out[alias] = isLookupValue(value) ? value.id : value;
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
  format?: AggregateFormat,
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
      put(out, g.alias, group.keys[i] ?? null, g.property.column, format);
    });
    for (const a of aggregates) {
      const counted = a.method === 'count' || a.method === 'countcolumn' || a.method === 'countdistinct';
      put(
        out,
        a.alias,
        compute(a, group.rows) as CellValue,
        counted ? COUNTED : (a.property?.column ?? COUNTED),
        format,
      );
    }
    return out;
  });
}
