import { jsonResponse, type ApiRequest, type ApiResponse } from '../http/ApiMessage.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import type { MockContext } from '../MockContext.js';
import { aggregateRows, rowsToAggregate } from '../odata/aggregateRows.js';
import { parseApply } from '../odata/parseApply.js';
import { includesAnnotation, parsePrefer } from '../odata/parsePrefer.js';
import { refuseOtherOptions } from '../odata/parseQueryOptions.js';
import { FORMATTED_VALUE } from '../records/formattedValue.js';
import { asCaller } from './asCaller.js';

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
  const apply = parseApply(params.get('$apply') ?? '', table, asCaller(ctx, request));
  const matching = rowsToAggregate(ctx.store.rows(table.logicalName), (row) =>
    apply.filters.every((f) => f(row) === true),
  );
  const annotations = parsePrefer(request.headers.prefer).includeAnnotations;
  const format = includesAnnotation(annotations, FORMATTED_VALUE) ? ctx : undefined;
  const value = aggregateRows(matching, apply.groupBy, apply.aggregates, format);
  const names = [...apply.groupBy.map((g) => g.alias), ...apply.aggregates.map((a) => a.alias)];
  return {
    ...jsonResponse(200, {
      '@odata.context': `${request.baseUrl}$metadata#${table.entitySetName}(${names.join(',')})`,
      value,
    }),
    cost: [{ kind: 'read', records: value.length, table: table.logicalName }],
  };
}
