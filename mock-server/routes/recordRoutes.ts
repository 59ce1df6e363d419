import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { ApiRequest, ApiResponse } from '../http/ApiMessage.js';
import { emptyResponse, jsonResponse, jsonTextResponse } from '../http/ApiMessage.js';
import { parseJsonBody } from '../http/parseJsonBody.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import type { MockContext } from '../MockContext.js';
import type { RecordKey } from '../odata/parseKeySegment.js';
import { parsePrefer } from '../odata/parsePrefer.js';
import { parseQueryOptions } from '../odata/parseQueryOptions.js';
import { buildNewRow, buildUpdatedRow } from '../records/buildRow.js';
import { etagOf, formatRecord, validateProjection, annotationOptions } from '../records/formatRecord.js';
import { parseRecordBody } from '../records/parseRecordBody.js';
import { RecentAnswers } from '../records/RecentAnswers.js';
import type { CellValue, Row } from '../store/Row.js';

export function findRow(table: TableMetadata, key: RecordKey, ctx: MockContext): Row | undefined {
  return key.kind === 'primary'
    ? ctx.store.get(table.logicalName, key.id)
    : ctx.store.findByKey(table.logicalName, key.columns, key.values);
}

export function notFound(table: TableMetadata, key: RecordKey): Error {
  return key.kind === 'primary'
    ? dataverseErrors.recordNotFound(table.logicalName, key.id)
    : dataverseErrors.recordNotFoundByKey(table.logicalName);
}

/** Compares a weak ETag from `If-Match`/`If-None-Match` with the row's current version. */
function etagMatches(header: string, row: Row): boolean {
  return header
    .split(',')
    .map((s) => s.trim())
    .some((tag) => tag === '*' || tag === etagOf(row) || tag === `"${row.version}"`);
}

/**
 * The last plain answer (no `$expand`, no annotations) of recently read rows, by the URL it
 * answered. Rows are never changed in place (an update stores a new row), so an entry never
 * outlives the version it describes. A load test reads the same records over and over: this
 * saves formatting and serializing the record on each read (about a sixth of the mock's CPU
 * per GET by id). Bounded at 2 × 10,000 answers (about 12 MB of 600-byte records).
 */
const plainAnswers = new RecentAnswers<Row, { readonly url: string; readonly body: string }>(10_000);

/** `GET /<set>(<key>)`. */
export function retrieveRecord(
  table: TableMetadata,
  key: RecordKey,
  request: ApiRequest,
  ctx: MockContext,
): ApiResponse {
  const options = parseQueryOptions(request.query);
  const annotations = parsePrefer(request.headers.prefer).includeAnnotations;
  const format = {
    select: options.select,
    expand: options.expand,
    ...annotationOptions(annotations),
  };
  validateProjection(table, format, ctx.catalogue);
  const row = findRow(table, key, ctx);
  if (row === undefined) throw notFound(table, key);
  const ifNoneMatch = request.headers['if-none-match'];
  // `If-None-Match: null` is what Microsoft's samples send: it matches nothing. With $expand or
  // annotations asked for, Dataverse always answers in full: never 304.
  if (
    ifNoneMatch !== undefined &&
    ifNoneMatch !== 'null' &&
    options.expand.length === 0 &&
    annotations === undefined &&
    etagMatches(ifNoneMatch, row)
  ) {
    return emptyResponse(304, { ETag: etagOf(row) });
  }
  const plainUrl =
    options.expand.length === 0 && annotations === undefined
      ? `${request.baseUrl}${request.path}?${request.query}`
      : undefined;
  const cached = plainUrl === undefined ? undefined : plainAnswers.get(row);
  if (cached !== undefined && cached.url === plainUrl) return jsonTextResponse(200, cached.body, { ETag: etagOf(row) });
  const selectPart = options.select === undefined ? '' : `(${options.select.join(',')})`;
  const answer = jsonResponse(
    200,
    formatRecord(table, row, format, ctx, `${request.baseUrl}$metadata#${table.entitySetName}${selectPart}/$entity`),
    {
      ETag: etagOf(row),
      ...(annotations === undefined ? {} : { 'Preference-Applied': `odata.include-annotations="${annotations}"` }),
    },
  );
  if (plainUrl !== undefined) plainAnswers.set(row, { url: plainUrl, body: answer.body });
  return answer;
}

/** `If-Match` (the record must exist, at that ETag unless `*`) and `If-None-Match: *` (it must not). */
function checkConditions(table: TableMetadata, key: RecordKey, existing: Row | undefined, request: ApiRequest): void {
  const ifMatch = request.headers['if-match'];
  if (ifMatch !== undefined && existing === undefined) throw notFound(table, key);
  if (ifMatch !== undefined && existing !== undefined && !etagMatches(ifMatch, existing))
    throw dataverseErrors.versionMismatch();
  if (request.headers['if-none-match'] === '*' && existing !== undefined) throw dataverseErrors.recordAlreadyExists();
}

/** Keys cannot change through a key URL: key values sent in the body are dropped. */
function updateByKey(
  table: TableMetadata,
  key: RecordKey,
  existing: Row,
  changes: Record<string, CellValue>,
  ctx: MockContext,
): Row {
  const keyColumns = new Set([table.primaryKey, ...(key.kind === 'alternate' ? key.columns : [])]);
  const kept = Object.fromEntries(Object.entries(changes).filter(([c]) => !keyColumns.has(c)));
  const row = buildUpdatedRow(table, existing, kept, ctx.store, ctx.now());
  ctx.store.replace(table.logicalName, row);
  return row;
}

/** On create, body key values win; URL key values fill in what the body lacks. */
function insertByKey(
  table: TableMetadata,
  key: RecordKey,
  changes: Record<string, CellValue>,
  ctx: MockContext,
  caller: string,
): Row {
  if (key.kind === 'primary') changes[table.primaryKey] = key.id;
  else for (const c of key.columns) if (changes[c] === undefined) changes[c] = key.values[c] ?? null;
  const row = buildNewRow(table, changes, ctx.store, ctx.now(), caller);
  ctx.store.insert(table.logicalName, row);
  return row;
}

/**
 * `PATCH /<set>(<key>)`: an upsert unless `If-Match: *` (update only) or `If-None-Match: *`
 * (create only); a stale `If-Match` ETag is 412.
 */
export function upsertRecord(
  table: TableMetadata,
  key: RecordKey,
  keyText: string,
  request: ApiRequest,
  ctx: MockContext,
): ApiResponse {
  const options = parseQueryOptions(request.query);
  const prefer = parsePrefer(request.headers.prefer);
  const format = { select: options.select, expand: [], lookupAnnotations: false };
  validateProjection(table, format, ctx.catalogue);
  const existing = findRow(table, key, ctx);
  checkConditions(table, key, existing, request);
  const changes = parseRecordBody(table, parseJsonBody(request, table.entitySetName), {
    catalogue: ctx.catalogue,
    store: ctx.store,
    baseUrl: request.baseUrl,
    contentIdUrl: request.contentIdUrl,
    updating: existing !== undefined,
  });
  const entityUrl = `${request.baseUrl}${table.entitySetName}(${keyText})`;
  const created = existing === undefined;
  const row = created
    ? insertByKey(table, key, changes, ctx, request.userId)
    : updateByKey(table, key, existing, changes, ctx);
  if (prefer.returnRepresentation) {
    return jsonResponse(
      created ? 201 : 200,
      formatRecord(table, row, format, ctx, `${request.baseUrl}$metadata#${table.entitySetName}/$entity`),
      { 'Preference-Applied': 'return=representation', ETag: etagOf(row) },
    );
  }
  return emptyResponse(204, { 'OData-EntityId': entityUrl });
}

/** `DELETE /<set>(<key>)`. */
export function deleteRecord(table: TableMetadata, key: RecordKey, request: ApiRequest, ctx: MockContext): ApiResponse {
  const row = findRow(table, key, ctx);
  if (row === undefined) throw notFound(table, key);
  const ifMatch = request.headers['if-match'];
  if (ifMatch !== undefined && !etagMatches(ifMatch, row)) throw dataverseErrors.versionMismatch();
  ctx.store.transaction(() => {
    ctx.store.delete(table.logicalName, row.values[table.primaryKey] as string);
  });
  return emptyResponse(204);
}
