import type { ApiRequest, ApiResponse } from '../http/ApiMessage.js';
import { jsonResponse } from '../http/ApiMessage.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import type { FilterNode } from '../odata/FilterAst.js';
import type { MockContext } from '../MockContext.js';
import { executeQuery, MAX_COUNT, MAX_PAGE_SIZE } from '../odata/executeQuery.js';
import { includesAnnotation, parsePrefer, type Preferences } from '../odata/parsePrefer.js';
import type { QueryOptions } from '../odata/QueryOptions.js';
import { parseQueryOptions } from '../odata/parseQueryOptions.js';
import { encodeSkipToken } from '../odata/skipToken.js';
import { asCaller } from './asCaller.js';
import { queryApply } from './queryApply.js';
import { queryFetchXml } from './queryFetchXml.js';
import { collectionQuery } from './sqlOptions.js';
import { checkTrackingOptions, deltaLink, queryDelta, SYNC_START_PARAM } from './trackChanges.js';
import { formatRecord, validateProjection, annotationOptions, withExpandBudget } from '../records/formatRecord.js';

const CRM = 'Microsoft.Dynamics.CRM';

function nextLink(request: ApiRequest, skipToken: string, syncStart: number | undefined): string {
  const kept = request.query
    .split('&')
    .filter((p) => p !== '' && !p.startsWith('$skiptoken=') && !p.startsWith('%24skiptoken='));
  if (syncStart !== undefined && !kept.some((p) => p.startsWith(`${SYNC_START_PARAM}=`)))
    kept.push(`${SYNC_START_PARAM}=${syncStart}`);
  kept.push(`$skiptoken=${encodeURIComponent(skipToken)}`);
  return `${request.baseUrl}${request.path}?${kept.join('&')}`;
}

/** With change tracking asked for (or carried in a next link), the version the sync started at. */
function syncStartOf(
  request: ApiRequest,
  prefer: Preferences,
  options: QueryOptions,
  ctx: MockContext,
): number | undefined {
  const carried = request.query.includes(SYNC_START_PARAM)
    ? new URLSearchParams(request.query).get(SYNC_START_PARAM)
    : null;
  if (!prefer.trackChanges && carried === null) return undefined;
  checkTrackingOptions(options);
  const start = carried === null ? Number.NaN : Number(carried);
  return Number.isSafeInteger(start) && start <= ctx.store.currentVersion() ? start : ctx.store.currentVersion();
}

/** FetchXML and `$apply` take the whole query string: each has a handler of its own. */
function specialQuery(table: TableMetadata, request: ApiRequest, ctx: MockContext): ApiResponse | undefined {
  const q = request.query;
  if (!q.includes('fetchXml=') && !q.includes('apply=')) return undefined;
  const params = new URLSearchParams(request.query);
  const xml = params.get('fetchXml');
  if (xml !== null) return queryFetchXml(table, xml, params, request, ctx);
  return params.has('$apply') ? queryApply(table, params, request, ctx) : undefined;
}

/** A scope (the records of one relationship) narrows the query; the text, and so the skip token, stays the client's. */
function scoped(options: QueryOptions, scope: FilterNode | undefined): QueryOptions {
  if (scope === undefined) return options;
  return {
    ...options,
    filter: options.filter === undefined ? scope : { kind: 'and', left: scope, right: options.filter },
  };
}

function preferenceApplied(prefer: Preferences, pageSize: number): Record<string, string> {
  const applied: string[] = [];
  if (prefer.maxPageSize !== undefined) applied.push(`odata.maxpagesize=${pageSize}`);
  if (prefer.includeAnnotations !== undefined) applied.push(`odata.include-annotations="${prefer.includeAnnotations}"`);
  if (prefer.trackChanges) applied.push('odata.track-changes');
  return applied.length > 0 ? { 'Preference-Applied': applied.join(',') } : {};
}

/** `GET /<set>`: filter, select, order, expand, count and page, as Dataverse answers a query; `scope` narrows it. */
export function queryCollection(
  table: TableMetadata,
  request: ApiRequest,
  ctx: MockContext,
  scope?: FilterNode,
): ApiResponse {
  const special = specialQuery(table, request, ctx);
  if (special !== undefined) return special;
  const { options: parsed, rename } = collectionQuery(table, request.query);
  if (parsed.deltaToken !== undefined && scope === undefined) return queryDelta(table, parsed, request, ctx);
  const options = scoped(parsed, scope);
  const prefer = parsePrefer(request.headers.prefer);
  const format = {
    select: options.select,
    expand: options.expand,
    ...annotationOptions(prefer.includeAnnotations),
  };
  validateProjection(table, format, ctx.catalogue);
  const syncStart = scope === undefined ? syncStartOf(request, prefer, options, ctx) : undefined;
  // With odata.maxpagesize present, $top is ignored (Dataverse's documented rule).
  const paged = prefer.maxPageSize !== undefined;
  const pageSize = Math.min(prefer.maxPageSize ?? options.top ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  const page = executeQuery(table, options, pageSize, asCaller(ctx, request), undefined, options.count);
  const selectPart = options.select === undefined ? '' : `(${options.select.join(',')})`;
  const body: Record<string, unknown> = {
    '@odata.context': `${request.baseUrl}$metadata#${table.entitySetName}${selectPart}`,
  };
  if (options.count) Object.assign(body, countAnnotations(page.total, prefer.includeAnnotations));
  // One budget of expanded records for the whole page, not one per record.
  body.value = withExpandBudget(() => page.rows.map((row) => rename(formatRecord(table, row, format, ctx))));
  const topLimited = !paged && options.top !== undefined;
  if (page.next !== undefined && !topLimited)
    body['@odata.nextLink'] = nextLink(request, encodeSkipToken(page.next), syncStart);
  else if (syncStart !== undefined) body['@odata.deltaLink'] = deltaLink(request, options, syncStart);
  return {
    ...jsonResponse(200, body, preferenceApplied(prefer, pageSize)),
    cost: [{ kind: 'read', records: page.rows.length, table: table.logicalName }],
  };
}

/** `@odata.count`, capped at 5000; past it, when asked for, the annotations that say the count stopped there. */
function countAnnotations(total: number, includeAnnotations: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.count': Math.min(total, MAX_COUNT) };
  if (includesAnnotation(includeAnnotations, `${CRM}.totalrecordcount`)) {
    out[`@${CRM}.totalrecordcount`] = Math.min(total, MAX_COUNT);
    out[`@${CRM}.totalrecordcountlimitexceeded`] = total > MAX_COUNT;
  }
  return out;
}

/** `GET /<set>/$count`: the number of matching records as plain text, capped like `@odata.count`. */
export function countCollection(
  table: TableMetadata,
  request: ApiRequest,
  ctx: MockContext,
  scope?: FilterNode,
): ApiResponse {
  const options = scoped(parseQueryOptions(request.query), scope);
  const page = executeQuery(table, { ...options, orderBy: [], skipToken: undefined }, 0, asCaller(ctx, request));
  return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: String(Math.min(page.total, MAX_COUNT)) };
}
