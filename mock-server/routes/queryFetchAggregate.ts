import type { FetchQuery } from '../fetchxml/parseFetchXml.js';
import { jsonResponse, type ApiRequest, type ApiResponse } from '../http/ApiMessage.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import type { MockContext } from '../MockContext.js';
import {
  aggregateRows,
  rowsToAggregate,
  type Aggregate,
  type AggregateFormat,
  type GroupKey,
} from '../odata/aggregateRows.js';
import { comparable, compareComparable } from '../odata/compareCells.js';
import { compileFilter } from '../odata/compileFilter.js';
import { resolveProperty } from '../odata/resolveProperty.js';
import { asCaller } from './asCaller.js';

function ordered(
  groups: Record<string, unknown>[],
  orderBy: NonNullable<FetchQuery['aggregate']>['orderBy'],
): Record<string, unknown>[] {
  if (orderBy.length === 0) return groups;
  const key = (v: unknown): string | number | boolean | null =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? comparable(v, false) : null;
  return [...groups].sort((a, b) => {
    for (const { path, descending } of orderBy) {
      const alias = path[0] ?? '';
      const order = compareComparable(key(a[alias]), key(b[alias]));
      if (order !== 0) return descending ? -order : order;
    }
    return 0;
  });
}

/**
 * `<fetch aggregate="true">`: the matching rows grouped by the `groupby` attributes, each
 * aggregate computed per group (count, countcolumn with or without distinct, sum, avg, min,
 * max), ordered by the aliases the `<order>` elements name, then paged like any FetchXML.
 * Past 50,000 matching records Dataverse refuses the query, and so does the mock.
 */
export function queryFetchAggregate(
  table: TableMetadata,
  query: FetchQuery & { aggregate: NonNullable<FetchQuery['aggregate']> },
  request: ApiRequest,
  ctx: MockContext,
  format: AggregateFormat,
): ApiResponse {
  const { catalogue, store } = ctx;
  const test =
    query.filter === undefined ? undefined : compileFilter(query.filter, { table, ...asCaller(ctx, request) });
  const rows = rowsToAggregate(store.rows(table.logicalName), (row) => test === undefined || test(row) === true);
  const groupBy: GroupKey[] = [];
  const aggregates: Aggregate[] = [];
  for (const column of query.aggregate.columns) {
    const property = resolveProperty(table, column.path, catalogue, store);
    if (column.method === undefined) groupBy.push({ alias: column.alias, property });
    else aggregates.push({ alias: column.alias, method: column.method, property });
  }
  const groups = ordered(aggregateRows(rows, groupBy, aggregates, format), query.aggregate.orderBy);
  const pageSize = query.top ?? query.count ?? groups.length;
  const page = query.top === undefined ? query.page : 1;
  const value = groups.slice((page - 1) * pageSize, page * pageSize);
  return {
    ...jsonResponse(200, { '@odata.context': `${request.baseUrl}$metadata#${table.entitySetName}`, value }),
    cost: [{ kind: 'read', records: value.length, table: table.logicalName }],
  };
}
