import { dataverseErrors } from '../errors/dataverseErrors.js';
import { jsonResponse, type ApiRequest, type ApiResponse } from '../http/ApiMessage.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import type { MockContext } from '../MockContext.js';
import { comparable, compareComparable } from '../odata/compareCells.js';
import { compileFilter, type RowPredicate } from '../odata/compileFilter.js';
import { parseFilter } from '../odata/parseFilter.js';
import { refuseOtherOptions, splitTopLevel } from '../odata/parseQueryOptions.js';
import { resolveProperty, type ResolvedProperty } from '../odata/resolveProperty.js';
import { isLookupValue, type CellValue, type Row } from '../store/Row.js';

type Method = 'sum' | 'min' | 'max' | 'average' | 'countdistinct' | 'count';

interface Aggregate {
  readonly alias: string;
  readonly method: Method;
  readonly property: ResolvedProperty | undefined;
}

interface Apply {
  readonly filters: RowPredicate[];
  readonly groupBy: { readonly name: string; readonly property: ResolvedProperty }[];
  readonly aggregates: Aggregate[];
}

const METHODS = new Set(['sum', 'min', 'max', 'average', 'countdistinct']);
const NUMERIC = new Set(['int', 'decimal', 'money']);

function invalid(rule: string): Error {
  return dataverseErrors.querySyntax(`$apply: ${rule}`);
}

/** `revenue with sum as total`, or `$count as n`. */
function aggregateOf(text: string, table: TableMetadata, ctx: MockContext): Aggregate {
  const count = /^\$count\s+as\s+([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
  if (count !== null) return { alias: count[1] ?? '', method: 'count', property: undefined };
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\s+with\s+([a-z]+)\s+as\s+([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
  if (m === null) throw invalid(`'${text}' is not '<property> with <method> as <alias>' or '$count as <alias>'.`);
  const [, name = '', method = '', alias = ''] = m;
  if (!METHODS.has(method))
    throw invalid(`'${method}' is not an aggregation method (sum, min, max, average, countdistinct).`);
  const property = resolveProperty(table, [name], ctx.catalogue, ctx.store);
  if ((method === 'sum' || method === 'average') && !NUMERIC.has(property.column.type))
    throw invalid(`${method} needs a number column; '${name}' is ${property.column.type}.`);
  return { alias, method: method as Method, property };
}

function parseApply(text: string, table: TableMetadata, ctx: MockContext): Apply {
  const apply: Apply = { filters: [], groupBy: [], aggregates: [] };
  for (const step of splitTopLevel(text, '/')) {
    const m = /^(filter|groupby|aggregate)\((.*)\)$/s.exec(step);
    if (m === null)
      throw invalid(`'${step}' is not a transformation the dvbench mock serves (filter, groupby, aggregate).`);
    const [, kind, body = ''] = m;
    if (kind === 'filter') {
      apply.filters.push(
        compileFilter(parseFilter(body), { table, catalogue: ctx.catalogue, store: ctx.store, now: ctx.now }),
      );
    } else if (kind === 'aggregate') {
      apply.aggregates.push(...splitTopLevel(body, ',').map((a) => aggregateOf(a, table, ctx)));
    } else {
      const [keys = '', ...rest] = splitTopLevel(body, ',');
      const names = /^\((.*)\)$/s.exec(keys)?.[1];
      if (names === undefined)
        throw invalid(`groupby takes a list of properties in parentheses: groupby((name),…); got '${keys}'.`);
      for (const name of names.split(',').map((n) => n.trim()))
        apply.groupBy.push({ name, property: resolveProperty(table, [name], ctx.catalogue, ctx.store) });
      for (const inner of rest) {
        const agg = /^aggregate\((.*)\)$/s.exec(inner)?.[1];
        if (agg === undefined)
          throw invalid(`after groupby's properties, only aggregate(…) may follow; got '${inner}'.`);
        apply.aggregates.push(...splitTopLevel(agg, ',').map((a) => aggregateOf(a, table, ctx)));
      }
    }
  }
  if (apply.groupBy.length === 0 && apply.aggregates.length === 0) throw invalid('groupby or aggregate is needed.');
  return apply;
}

function compute(aggregate: Aggregate, rows: readonly Row[]): unknown {
  if (aggregate.method === 'count') return rows.length;
  const property = aggregate.property;
  const values = rows.map((r) => property?.get(r) ?? null).filter((v) => v !== null);
  if (aggregate.method === 'countdistinct') return new Set(values.map((v) => comparable(v, false))).size;
  const numbers = values.filter((v): v is number => typeof v === 'number');
  switch (aggregate.method) {
    case 'sum':
      return numbers.reduce((a, b) => a + b, 0);
    case 'average':
      return numbers.length === 0 ? null : numbers.reduce((a, b) => a + b, 0) / numbers.length;
    default: {
      const isDate = property?.column.type === 'datetime';
      const sorted = [...values].sort((a, b) => compareComparable(comparable(a, isDate), comparable(b, isDate)));
      return (aggregate.method === 'min' ? sorted[0] : sorted.at(-1)) ?? null;
    }
  }
}

/**
 * `GET /<set>?$apply=…`: `filter(…)`, `groupby((…),aggregate(…))` and `aggregate(…)` with sum,
 * min, max, average, countdistinct and `$count`, on the same filter engine as `$filter`.
 * Groups come ordered by their keys. Other transformations are a 400 naming them.
 */
export function queryApply(
  table: TableMetadata,
  params: URLSearchParams,
  request: ApiRequest,
  ctx: MockContext,
): ApiResponse {
  refuseOtherOptions(params, ['$apply'], '$apply in the dvbench mock');
  const apply = parseApply(params.get('$apply') ?? '', table, ctx);
  const groups = new Map<string, { keys: CellValue[]; rows: Row[] }>();
  for (const row of ctx.store.rows(table.logicalName)) {
    if (!apply.filters.every((f) => f(row) === true)) continue;
    const keys = apply.groupBy.map((g) => g.property.get(row));
    // Keys group as Dataverse's SQL collation compares them: text case-insensitively.
    const id = JSON.stringify(keys.map((k, i) => comparable(k, apply.groupBy[i]?.property.column.type === 'datetime')));
    const group = groups.get(id);
    if (group === undefined) groups.set(id, { keys, rows: [row] });
    else group.rows.push(row);
  }
  if (apply.groupBy.length === 0 && groups.size === 0) groups.set('[]', { keys: [], rows: [] });
  const ordered = [...groups.values()].sort((a, b) => {
    for (let i = 0; i < apply.groupBy.length; i++) {
      const isDate = apply.groupBy[i]?.property.column.type === 'datetime';
      const order = compareComparable(comparable(a.keys[i], isDate), comparable(b.keys[i], isDate));
      if (order !== 0) return order;
    }
    return 0;
  });
  const names = [...apply.groupBy.map((g) => g.name), ...apply.aggregates.map((a) => a.alias)];
  const value = ordered.map((group) => {
    const out: Record<string, unknown> = {};
    apply.groupBy.forEach((g, i) => {
      const key = group.keys[i] ?? null;
      out[g.name] = isLookupValue(key) ? key.id : key;
    });
    for (const a of apply.aggregates) out[a.alias] = compute(a, group.rows);
    return out;
  });
  return {
    ...jsonResponse(200, {
      '@odata.context': `${request.baseUrl}$metadata#${table.entitySetName}(${names.join(',')})`,
      value,
    }),
    cost: [{ kind: 'read', records: value.length, table: table.logicalName }],
  };
}
