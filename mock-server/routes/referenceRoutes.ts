import { dataverseErrors } from '../errors/dataverseErrors.js';
import { emptyResponse, type ApiRequest, type ApiResponse } from '../http/ApiMessage.js';
import { parseJsonBody } from '../http/parseJsonBody.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import type { ColumnDefinition } from '../metadata/TableDefinition.js';
import type { MockContext } from '../MockContext.js';
import { relationshipScope } from '../odata/relationshipScope.js';
import { buildUpdatedRow } from '../records/buildRow.js';
import { resolveEntityReference } from '../records/parseRecordBody.js';
import { isLookupValue, type CellValue, type Row } from '../store/Row.js';
import type { Resource } from './parseResourcePath.js';
import { countCollection, queryCollection } from './queryCollection.js';
import { findRow, notFound, retrieveRecord, upsertRecord } from './recordRoutes.js';

type SingleReference = Extract<Resource, { kind: 'singleReference' }>;
type CollectionReference = Extract<Resource, { kind: 'collectionReference' }>;
type Related = Extract<Resource, { kind: 'related' }>;
type NavigationTarget = Extract<Resource, { kind: 'navigationTarget' }>;

function existing(r: { table: TableMetadata; key: Parameters<typeof findRow>[1] }, ctx: MockContext): Row {
  const row = findRow(r.table, r.key, ctx);
  if (row === undefined) throw notFound(r.table, r.key);
  return row;
}

/** The `{ "@odata.id": "<entity URL>" }` body of a `$ref` write. */
function odataIdOf(request: ApiRequest, entitySet: string): string {
  const body = parseJsonBody(request, entitySet);
  const id = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['@odata.id'] : undefined;
  if (typeof id !== 'string')
    throw dataverseErrors.badRequest(
      `A $ref body is one member, "@odata.id", naming the record: { "@odata.id": "…" }.`,
    );
  return id;
}

/** One lookup changed on a stored row, as an update: new version, modifiedon. */
function setLookup(table: TableMetadata, row: Row, column: ColumnDefinition, value: CellValue, ctx: MockContext): void {
  const updated = buildUpdatedRow(table, row, { [column.name]: value }, ctx.store, ctx.now());
  ctx.store.transaction(() => {
    ctx.store.replace(table.logicalName, updated);
  });
}

/** `PUT <set>(<key>)/<nav>/$ref`: the lookup set to the record named, exactly as `<nav>@odata.bind` in a PATCH. */
export function putSingleReference(r: SingleReference, request: ApiRequest, ctx: MockContext): ApiResponse {
  existing(r, ctx);
  const bind = { [`${r.navigation.name}@odata.bind`]: odataIdOf(request, r.table.entitySetName) };
  const headers = { ...request.headers, 'if-match': '*', 'if-none-match': undefined, prefer: undefined };
  upsertRecord(r.table, r.key, r.keyText, { ...request, query: '', headers, body: JSON.stringify(bind) }, ctx);
  return emptyResponse(204);
}

/** `DELETE <set>(<key>)/<nav>/$ref`: the lookup cleared (whichever record it pointed at). */
export function deleteSingleReference(r: SingleReference, _request: ApiRequest, ctx: MockContext): ApiResponse {
  const row = existing(r, ctx);
  setLookup(r.table, row, r.navigation.column, null, ctx);
  return emptyResponse(204);
}

/** The related record a collection `$ref` names, which must be of the relationship's table. */
function relatedRecord(
  r: CollectionReference,
  reference: string,
  request: ApiRequest,
  ctx: MockContext,
): { table: TableMetadata; row: Row } {
  const context = { catalogue: ctx.catalogue, store: ctx.store, baseUrl: request.baseUrl };
  const { target, id } = resolveEntityReference(reference, r.table.entitySetName, context, 'The @odata.id value');
  if (target.logicalName !== r.relationship.table) {
    throw dataverseErrors.badRequest(
      `'${reference}' is a ${target.logicalName}, but ${r.relationship.name} relates ${r.relationship.table} records.`,
    );
  }
  const row = ctx.store.get(target.logicalName, id);
  if (row === undefined) throw dataverseErrors.recordNotFound(target.logicalName, id);
  return { table: target, row };
}

/**
 * `POST <set>(<key>)/<relationship>/$ref`: the related record's lookup now points here (a
 * one-to-many relationship is its lookup; associating one record moves it from any other).
 */
export function postCollectionReference(r: CollectionReference, request: ApiRequest, ctx: MockContext): ApiResponse {
  const parent = existing(r, ctx);
  const related = relatedRecord(r, odataIdOf(request, r.table.entitySetName), request, ctx);
  const id = parent.values[r.table.primaryKey] as string;
  setLookup(related.table, related.row, r.relationship.column, { table: r.table.logicalName, id }, ctx);
  return emptyResponse(204);
}

/**
 * `DELETE <set>(<key>)/<relationship>(<related key>)/$ref`, or `…/$ref?$id=<url>`: the related
 * record's lookup cleared when it points here. When it points elsewhere nothing changes (the
 * mock's choice: Dataverse's answer is not documented).
 */
export function deleteCollectionReference(r: CollectionReference, request: ApiRequest, ctx: MockContext): ApiResponse {
  const parent = existing(r, ctx);
  const reference =
    r.relatedKeyText === undefined
      ? new URLSearchParams(request.query).get('$id')
      : `${ctx.catalogue.byLogicalName(r.relationship.table)?.entitySetName ?? ''}(${r.relatedKeyText})`;
  if (reference === null || reference === '')
    throw dataverseErrors.badRequest(
      `Name the record to disassociate: '` +
        `${r.relationship.name}(<id>)/$ref', or '${r.relationship.name}/$ref?$id=<url>'.`,
    );
  const related = relatedRecord(r, reference, request, ctx);
  const link = related.row.values[r.relationship.column.name];
  const id = parent.values[r.table.primaryKey] as string;
  if (isLookupValue(link) && link.table === r.table.logicalName && link.id === id)
    setLookup(related.table, related.row, r.relationship.column, null, ctx);
  return emptyResponse(204);
}

/** `GET <set>(<key>)/<relationship>`: the records pointing here, with every query option a collection takes. */
export function queryRelated(r: Related, request: ApiRequest, ctx: MockContext): ApiResponse {
  const parent = existing(r, ctx);
  const table = ctx.catalogue.byLogicalName(r.relationship.table);
  if (table === undefined) throw dataverseErrors.resourceNotFound(r.relationship.name);
  const scope = relationshipScope(r.relationship, parent.values[r.table.primaryKey] as string);
  return r.count ? countCollection(table, request, ctx, scope) : queryCollection(table, request, ctx, scope);
}

/**
 * `GET <set>(<key>)/<single-valued navigation property>`: the related record, answered as a
 * retrieve of it (`$select`, `$expand`, annotations and ETags alike); 204 when the lookup is
 * empty or points at a record of another table (OData's answer for a null navigation property).
 */
export function retrieveNavigationTarget(r: NavigationTarget, request: ApiRequest, ctx: MockContext): ApiResponse {
  const link = existing(r, ctx).values[r.navigation.column.name];
  const target = ctx.catalogue.byLogicalName(r.navigation.target.table);
  if (!isLookupValue(link) || link.table !== r.navigation.target.table || target === undefined)
    return emptyResponse(204);
  return retrieveRecord(target, { kind: 'primary', id: link.id }, request, ctx);
}
