import type { ApiRequest, ApiResponse } from '../http/ApiMessage.js';
import { emptyResponse, jsonResponse } from '../http/ApiMessage.js';
import { parseJsonBody } from '../http/parseJsonBody.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import type { MockContext } from '../MockContext.js';
import { parsePrefer } from '../odata/parsePrefer.js';
import { parseQueryOptions } from '../odata/parseQueryOptions.js';
import { etagOf, formatRecord, validateProjection } from '../records/formatRecord.js';
import { insertDeep } from '../records/insertDeep.js';
import type { OperationCost } from '../latency/ServiceTimeSampler.js';

/** One create's cost is the default; a deep insert costs a create per record. */
function costOf(costs: readonly OperationCost[]): { cost?: readonly OperationCost[] } {
  return costs.length > 1 ? { cost: costs } : {};
}

/** `POST /<set>`: 204 with `OData-EntityId`, or 201 with the record under `Prefer: return=representation`. */
export function createRecord(table: TableMetadata, request: ApiRequest, ctx: MockContext): ApiResponse {
  const options = parseQueryOptions(request.query);
  const prefer = parsePrefer(request.headers.prefer);
  const format = { select: options.select, expand: options.expand, lookupAnnotations: false };
  validateProjection(table, format, ctx.catalogue);
  const body = parseJsonBody(request, table.entitySetName);
  const deep = {
    catalogue: ctx.catalogue,
    store: ctx.store,
    baseUrl: request.baseUrl,
    contentIdUrl: request.contentIdUrl,
    now: ctx.now,
    userId: request.userId,
  };
  // Related records nested in the body are created with it, all or none.
  const { row, costs } = ctx.store.transaction(() => insertDeep(table, body, deep));
  const id = row.values[table.primaryKey] as string;
  const entityUrl = `${request.baseUrl}${table.entitySetName}(${id})`;
  if (prefer.returnRepresentation) {
    return {
      ...jsonResponse(
        201,
        formatRecord(table, row, format, ctx, `${request.baseUrl}$metadata#${table.entitySetName}/$entity`),
        { 'Preference-Applied': 'return=representation', ETag: etagOf(row), Location: entityUrl },
      ),
      ...costOf(costs),
    };
  }
  return { ...emptyResponse(204, { 'OData-EntityId': entityUrl, Location: entityUrl }), ...costOf(costs) };
}
