import { dataverseErrors } from '../errors/dataverseErrors.js';
import { jsonResponse, type ApiRequest, type ApiResponse } from '../http/ApiMessage.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import type { MockContext } from '../MockContext.js';
import type { QueryOptions } from '../odata/QueryOptions.js';
import { formatRecord } from '../records/formatRecord.js';
import { MAX_PAGE_SIZE } from '../odata/executeQuery.js';
import { parsePrefer } from '../odata/parsePrefer.js';
import type { Row } from '../store/Row.js';

/**
 * Carries the version an initial sync started at through its next links (clients treat a next
 * link as opaque), so the delta link on its last page misses nothing changed while it paged.
 */
export const SYNC_START_PARAM = 'dvbenchsyncstart';

/** Change tracking reads whole tables: Dataverse takes `$select` with it, and the mock takes nothing else. */
export function checkTrackingOptions(options: QueryOptions): void {
  const given: [string, boolean][] = [
    ['$filter', options.filter !== undefined],
    ['$orderby', options.orderBy.length > 0],
    ['$top', options.top !== undefined],
    ['$expand', options.expand.length > 0],
    ['$count', options.count],
  ];
  const option = given.find(([, present]) => present)?.[0];
  if (option !== undefined)
    throw dataverseErrors.querySyntax(
      `The query option '${option}' cannot be combined with change tracking; use $select only.`,
    );
}

/** The link to the changes after `version`, with the query's `$select`. */
export function deltaLink(request: ApiRequest, options: QueryOptions, version: number): string {
  const select = options.select === undefined ? '' : `$select=${options.select.join(',')}&`;
  return `${request.baseUrl}${request.path}?${select}$deltatoken=${version}`;
}

function tokenVersion(token: string, ctx: MockContext): number {
  const version = /^\d+$/.test(token) ? Number(token) : Number.NaN;
  if (!Number.isSafeInteger(version) || version > ctx.store.currentVersion())
    throw dataverseErrors.badRequest(`The $deltatoken '${token}' is not one this server issued.`);
  return version;
}

type Change = { readonly version: number; readonly row?: Row; readonly id?: string };

/** The changes after `since` in version order: a page of them is a consistent prefix of the log. */
function changesSince(table: TableMetadata, since: number, ctx: MockContext): Change[] {
  const deleted = ctx.store.deletedSince(table.logicalName, since);
  if (deleted === undefined)
    throw dataverseErrors.badRequest(
      `The $deltatoken '${since}' has expired: deletions that old are no longer kept. Start ` +
        `again with Prefer: odata.track-changes.`,
    );
  const changes: Change[] = deleted.map((t) => ({ version: t.version, id: t.id }));
  for (const row of ctx.store.rows(table.logicalName))
    if (row.version > since) changes.push({ version: row.version, row });
  return changes.sort((a, b) => a.version - b.version);
}

/**
 * `GET <set>?$deltatoken=…`: the records created or changed since the token (as the query
 * selects them) and those deleted (`$deletedEntity`, reason `deleted`), in the order they
 * changed. One answer holds at most `odata.maxpagesize` (5,000 at most) changes; past it a next
 * link continues from the last change served, and the last page carries the next delta link.
 * A token older than the deletions the mock keeps (100,000 per table) is refused.
 */
export function queryDelta(
  table: TableMetadata,
  options: QueryOptions,
  request: ApiRequest,
  ctx: MockContext,
): ApiResponse {
  checkTrackingOptions(options);
  const since = tokenVersion(options.deltaToken ?? '', ctx);
  const now = ctx.store.currentVersion();
  const prefer = parsePrefer(request.headers.prefer);
  const pageSize = Math.min(prefer.maxPageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  const changes = changesSince(table, since, ctx);
  const page = changes.slice(0, pageSize);
  const format = { select: options.select, expand: [], lookupAnnotations: false };
  const deletedContext = `${request.baseUrl}$metadata#${table.entitySetName}/$deletedEntity`;
  const value = page.map((c) =>
    c.row === undefined
      ? { '@odata.context': deletedContext, id: c.id, reason: 'deleted' }
      : formatRecord(table, c.row, format, ctx),
  );
  const selectPart = options.select === undefined ? '' : `(${options.select.join(',')})`;
  const more = changes.length > page.length;
  const link = more
    ? { '@odata.nextLink': deltaLink(request, options, page.at(-1)?.version ?? since) }
    : { '@odata.deltaLink': deltaLink(request, options, now) };
  const applied = prefer.maxPageSize === undefined ? {} : { 'Preference-Applied': `odata.maxpagesize=${pageSize}` };
  return {
    ...jsonResponse(
      200,
      { '@odata.context': `${request.baseUrl}$metadata#${table.entitySetName}${selectPart}/$delta`, value, ...link },
      applied,
    ),
    cost: [{ kind: 'read', records: page.length, table: table.logicalName }],
  };
}
