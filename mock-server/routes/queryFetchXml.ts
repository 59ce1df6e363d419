import { addLinkedColumns, bindLinks } from '../fetchxml/linkedColumns.js';
import { parseFetchXml } from '../fetchxml/parseFetchXml.js';
import { builtQuery } from '../odata/QueryOptions.js';
import type { ApiRequest, ApiResponse } from '../http/ApiMessage.js';
import { jsonResponse } from '../http/ApiMessage.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import type { MockContext } from '../MockContext.js';
import { executeQuery, MAX_COUNT, MAX_PAGE_SIZE } from '../odata/executeQuery.js';
import { includesAnnotation, parsePrefer } from '../odata/parsePrefer.js';
import { refuseOtherOptions } from '../odata/parseQueryOptions.js';
import { formatRecord, annotationOptions } from '../records/formatRecord.js';
import { FORMATTED_VALUE } from '../records/formattedValue.js';
import type { Row } from '../store/Row.js';
import { asCaller } from './asCaller.js';
import { queryFetchAggregate } from './queryFetchAggregate.js';

const CRM = 'Microsoft.Dynamics.CRM';

/**
 * The paging cookie as Dataverse shapes it: a `<cookie>` whose `pagingcookie` attribute holds
 * the page's first and last primary keys, URL-encoded twice. Clients pass it back as opaque
 * text; the mock pages by the `page` number, so the cookie is never needed to find a page.
 */
function pagingCookie(table: TableMetadata, page: number, rows: readonly Row[]): string {
  const id = (row: Row | undefined): string => {
    const value = row?.values[table.primaryKey];
    return `{${typeof value === 'string' ? value.toUpperCase() : ''}}`;
  };
  const inner = `<cookie page="${page}"><${table.primaryKey} last="${id(rows.at(-1))}" first="${id(rows[0])}" /></cookie>`;
  const encoded = encodeURIComponent(encodeURIComponent(inner));
  return `<cookie pagenumber="${page + 1}" pagingcookie="${encoded}" istracking="False" />`;
}

/** `$count=true` is the one query option Dataverse takes beside `fetchXml`. */
function countOption(params: URLSearchParams): boolean {
  refuseOtherOptions(params, ['$count'], 'fetchXml');
  return params.get('$count') === 'true';
}

/**
 * `GET /<set>?fetchXml=…`: the query in FetchXML, run by the same executor as OData queries.
 * Rows leave out null columns (as FetchXML results do); `count`/`page` page it, and with the
 * annotations asked for, a page that has more after it carries the paging cookie and
 * `morerecords`, and `returntotalrecordcount` the total.
 */
export function queryFetchXml(
  table: TableMetadata,
  xml: string,
  params: URLSearchParams,
  request: ApiRequest,
  ctx: MockContext,
): ApiResponse {
  const count = countOption(params);
  const query = parseFetchXml(xml, table, ctx.catalogue);
  const prefer = parsePrefer(request.headers.prefer);
  if (query.aggregate !== undefined) {
    const format = includesAnnotation(prefer.includeAnnotations, FORMATTED_VALUE) ? ctx : undefined;
    return queryFetchAggregate(table, { ...query, aggregate: query.aggregate }, request, ctx, format);
  }
  const pageSize = query.top ?? query.count ?? MAX_PAGE_SIZE;
  const page = query.top === undefined ? query.page : 1;
  // The query's text stands in for the filter's in the skip token.
  const options = builtQuery({ select: query.select, filter: query.filter, orderBy: query.orderBy, filterText: xml });
  // Simple paging, as Dataverse does it: the rows up to this page, then this page's share.
  const result = executeQuery(table, options, pageSize * page, asCaller(ctx, request));
  const rows = result.rows.slice((page - 1) * pageSize);
  const more = result.next !== undefined && query.top === undefined;
  const format = {
    select: query.select,
    expand: [],
    ...annotationOptions(prefer.includeAnnotations),
  };
  const selectPart = query.select === undefined ? '' : `(${query.select.join(',')})`;
  const body: Record<string, unknown> = {
    '@odata.context': `${request.baseUrl}$metadata#${table.entitySetName}${selectPart}`,
  };
  if (count) body['@odata.count'] = Math.min(result.total, MAX_COUNT);
  Object.assign(
    body,
    pageAnnotations(
      prefer.includeAnnotations,
      query.returnTotalRecordCount ? result.total : undefined,
      more ? pagingCookie(table, page, rows) : undefined,
    ),
  );
  const links = bindLinks(query.links, ctx);
  const annotated = format.formattedValues === true;
  body.value = rows.map((row) => {
    const record = withoutNulls(formatRecord(table, row, format, ctx));
    addLinkedColumns(record, row, links, annotated, ctx);
    return record;
  });
  const headers: Record<string, string> =
    prefer.includeAnnotations === undefined
      ? {}
      : { 'Preference-Applied': `odata.include-annotations="${prefer.includeAnnotations}"` };
  return {
    ...jsonResponse(200, body, headers),
    cost: [{ kind: 'read', records: rows.length, table: table.logicalName }],
  };
}

/**
 * The page's annotations, as far as `Prefer` asks for them: the total (when the query asked
 * `returntotalrecordcount`) and, with more records after this page, the paging cookie.
 */
function pageAnnotations(
  includeAnnotations: string | undefined,
  total: number | undefined,
  cookie: string | undefined,
): Record<string, unknown> {
  const wants = (name: string): boolean => includesAnnotation(includeAnnotations, `${CRM}.${name}`);
  const out: Record<string, unknown> = {};
  if (total !== undefined && (wants('totalrecordcount') || wants('totalrecordcountlimitexceeded')))
    Object.assign(out, totalAnnotations(total));
  // Learn shows the two together; which one a narrower selection brings is not documented, so both come.
  if (cookie !== undefined && (wants('fetchxmlpagingcookie') || wants('morerecords')))
    Object.assign(out, { [`@${CRM}.fetchxmlpagingcookie`]: cookie, [`@${CRM}.morerecords`]: true });
  return out;
}

function totalAnnotations(total: number): Record<string, unknown> {
  return {
    [`@${CRM}.totalrecordcount`]: Math.min(total, MAX_COUNT),
    [`@${CRM}.totalrecordcountlimitexceeded`]: total > MAX_COUNT,
  };
}

function withoutNulls(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null));
}
