import { dataverseErrors } from '../errors/dataverseErrors.js';
import { emptyResponse, jsonResponse, type ApiRequest, type ApiResponse } from '../http/ApiMessage.js';
import { parseJsonBody } from '../http/parseJsonBody.js';
import type { MockContext } from '../MockContext.js';
import { isLookupValue } from '../store/Row.js';
import type { Resource } from './parseResourcePath.js';
import { findRow, notFound, upsertRecord } from './recordRoutes.js';

type PropertyResource = Extract<Resource, { kind: 'property' }>;

/**
 * `GET /<set>(<key>)/<property>`: `{ "@odata.context", "value" }`, or with `/$value` the value
 * as plain text; a null value is 204, as OData answers a null property.
 */
export function retrieveProperty(r: PropertyResource, request: ApiRequest, ctx: MockContext): ApiResponse {
  const row = findRow(r.table, r.key, ctx);
  if (row === undefined) throw notFound(r.table, r.key);
  const column = r.table.columns.get(r.property) ?? r.table.lookupValueNames.get(r.property);
  const stored = column === undefined ? null : (row.values[column.name] ?? null);
  const value = column?.type === 'lookup' ? (isLookupValue(stored) ? stored.id : null) : stored;
  if (value === null) return emptyResponse(204);
  if (r.raw)
    return {
      status: 200,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: typeof value === 'string' ? value : JSON.stringify(value),
    };
  return jsonResponse(200, {
    '@odata.context': `${request.baseUrl}$metadata#${r.table.entitySetName}(${r.keyText})/${r.property}`,
    value,
  });
}

/**
 * The column a PUT or DELETE may change: not `$value`, not the key, not a lookup (those take `$ref`
 * or `@odata.bind`).
 */
function writableColumn(r: PropertyResource): string {
  if (r.raw)
    throw dataverseErrors.badRequest(`'${r.property}/$value' can be read, not written; send to '${r.property}'.`);
  if (r.property === r.table.primaryKey)
    throw dataverseErrors.badRequest(`The primary key '${r.property}' of ${r.table.logicalName} cannot be changed.`);
  if (r.table.lookupValueNames.has(r.property))
    throw dataverseErrors.badRequest(
      `'${r.property}' is a lookup's value: set it with '<navigation property>@odata.bind' in a ` +
        `PATCH, or through $ref.`,
    );
  return r.property;
}

/** The change as an update of that one column, with `If-Match: *`: the record must exist. */
function updateOne(r: PropertyResource, request: ApiRequest, ctx: MockContext, value: unknown): ApiResponse {
  const column = writableColumn(r);
  const headers = { ...request.headers, 'if-match': '*', 'if-none-match': undefined, prefer: undefined };
  upsertRecord(
    r.table,
    r.key,
    r.keyText,
    { ...request, query: '', headers, body: JSON.stringify({ [column]: value }) },
    ctx,
  );
  return emptyResponse(204);
}

/** `PUT /<set>(<key>)/<column>` with `{ "value": … }`: one column updated, 204. */
export function putProperty(r: PropertyResource, request: ApiRequest, ctx: MockContext): ApiResponse {
  const body = parseJsonBody(request, r.table.entitySetName);
  if (
    typeof body !== 'object' ||
    body === null ||
    Array.isArray(body) ||
    !('value' in body) ||
    Object.keys(body).length !== 1
  )
    throw dataverseErrors.badRequest(`A PUT to '${r.property}' takes a body of one member, "value": { "value": … }.`);
  return updateOne(r, request, ctx, body.value);
}

/** `DELETE /<set>(<key>)/<column>`: the column set to null, 204. */
export function deleteProperty(r: PropertyResource, request: ApiRequest, ctx: MockContext): ApiResponse {
  return updateOne(r, request, ctx, null);
}
