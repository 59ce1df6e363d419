import type { ApiRequest, ApiResponse } from '../http/ApiMessage.js';
import { jsonResponse } from '../http/ApiMessage.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import type { FilterNode } from '../odata/FilterAst.js';
import type { MockContext } from '../MockContext.js';
import { executeQuery, MAX_COUNT, MAX_PAGE_SIZE } from '../odata/executeQuery.js';
import { includesAnnotation, parsePrefer } from '../odata/parsePrefer.js';
import { parseQueryOptions } from '../odata/parseQueryOptions.js';
import { queryFetchXml } from './queryFetchXml.js';
import { formatRecord, validateProjection, annotationOptions } from '../records/formatRecord.js';

const CRM = 'Microsoft.Dynamics.CRM';

function nextLink(request: ApiRequest, skipToken: string): string {
  const kept = request.query
    .split('&')
    .filter((p) => p !== '' && !p.startsWith('$skiptoken=') && !p.startsWith('%24skiptoken='));
  kept.push(`$skiptoken=${encodeURIComponent(skipToken)}`);
  return `${request.baseUrl}${request.path}?${kept.join('&')}`;
}

/** `GET /<set>`: filter, select, order, expand, count and page, as Dataverse answers a query; `scope` narrows it. */
export function queryCollection(
  table: TableMetadata,
  request: ApiRequest,
  ctx: MockContext,
  scope?: FilterNode,
): ApiResponse {
  if (request.query.includes('fetchXml=')) {
    const params = new URLSearchParams(request.query);
    const xml = params.get('fetchXml');
    if (xml !== null) return queryFetchXml(table, xml, params, request, ctx);
  }
  const parsed = parseQueryOptions(request.query);
  // A scope (the records of one relationship) narrows the query; the text, and so the skip token, stays the client's.
  const options =
    scope === undefined
      ? parsed
      : {
          ...parsed,
          filter: parsed.filter === undefined ? scope : { kind: 'and' as const, left: scope, right: parsed.filter },
        };
  const prefer = parsePrefer(request.headers.prefer);
  const format = {
    select: options.select,
    expand: options.expand,
    ...annotationOptions(prefer.includeAnnotations),
  };
  validateProjection(table, format, ctx.catalogue);
  // With odata.maxpagesize present, $top is ignored (Dataverse's documented rule).
  const paged = prefer.maxPageSize !== undefined;
  const pageSize = Math.min(prefer.maxPageSize ?? options.top ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  const page = executeQuery(table, options, pageSize, ctx);
  const selectPart = options.select === undefined ? '' : `(${options.select.join(',')})`;
  const body: Record<string, unknown> = {
    '@odata.context': `${request.baseUrl}$metadata#${table.entitySetName}${selectPart}`,
  };
  if (options.count) Object.assign(body, countAnnotations(page.total, prefer.includeAnnotations));
  body.value = page.rows.map((row) => formatRecord(table, row, format, ctx));
  const topLimited = !paged && options.top !== undefined;
  if (page.nextSkipToken !== undefined && !topLimited) body['@odata.nextLink'] = nextLink(request, page.nextSkipToken);
  const applied: string[] = [];
  if (paged) applied.push(`odata.maxpagesize=${pageSize}`);
  if (prefer.includeAnnotations !== undefined) applied.push(`odata.include-annotations="${prefer.includeAnnotations}"`);
  return {
    ...jsonResponse(200, body, applied.length > 0 ? { 'Preference-Applied': applied.join(',') } : {}),
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
export function countCollection(table: TableMetadata, request: ApiRequest, ctx: MockContext): ApiResponse {
  const options = parseQueryOptions(request.query);
  const page = executeQuery(table, { ...options, orderBy: [], skipToken: undefined }, 0, ctx);
  return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: String(Math.min(page.total, MAX_COUNT)) };
}
