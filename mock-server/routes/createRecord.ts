import type { ApiRequest, ApiResponse } from '../http/ApiMessage.js';
import { emptyResponse, jsonResponse } from '../http/ApiMessage.js';
import { parseJsonBody } from '../http/parseJsonBody.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import type { MockContext } from '../MockContext.js';
import { parsePrefer } from '../odata/parsePrefer.js';
import { parseQueryOptions } from '../odata/parseQueryOptions.js';
import { buildNewRow } from '../records/buildRow.js';
import { etagOf, formatRecord, validateProjection } from '../records/formatRecord.js';
import { parseRecordBody } from '../records/parseRecordBody.js';

/** `POST /<set>`: 204 with `OData-EntityId`, or 201 with the record under `Prefer: return=representation`. */
export function createRecord(table: TableMetadata, request: ApiRequest, ctx: MockContext): ApiResponse {
  const options = parseQueryOptions(request.query);
  const prefer = parsePrefer(request.headers.prefer);
  const format = { select: options.select, expand: options.expand, lookupAnnotations: false };
  validateProjection(table, format, ctx.catalogue);
  const changes = parseRecordBody(table, parseJsonBody(request, table.entitySetName), {
    catalogue: ctx.catalogue,
    store: ctx.store,
    baseUrl: request.baseUrl,
    contentIdUrl: request.contentIdUrl,
  });
  const row = buildNewRow(table, changes, ctx.store, ctx.now());
  ctx.store.insert(table.logicalName, row);
  const id = row.values[table.primaryKey] as string;
  const entityUrl = `${request.baseUrl}${table.entitySetName}(${id})`;
  if (prefer.returnRepresentation) {
    return jsonResponse(
      201,
      formatRecord(table, row, format, ctx, `${request.baseUrl}$metadata#${table.entitySetName}/$entity`),
      { 'Preference-Applied': 'return=representation', ETag: etagOf(row), Location: entityUrl },
    );
  }
  return emptyResponse(204, { 'OData-EntityId': entityUrl, Location: entityUrl });
}
