const FETCHXML_PARAM = 'fetchXml=';
const CRM = 'Microsoft.Dynamics.CRM';

/** A page of a collection query as the Web API answers it: OData or FetchXML paging. */
export interface QueryPageBody {
  readonly value?: unknown[];
  readonly '@odata.nextLink'?: string;
  readonly '@Microsoft.Dynamics.CRM.fetchxmlpagingcookie'?: string;
  readonly '@Microsoft.Dynamics.CRM.morerecords'?: boolean;
}

function isFetchXmlQuery(pathAndQuery: string): boolean {
  return pathAndQuery.includes(`?${FETCHXML_PARAM}`) || pathAndQuery.includes(`&${FETCHXML_PARAM}`);
}

/**
 * The `Prefer` a query page is asked with. OData pages by `odata.maxpagesize`; a FetchXML
 * query's page size is its `count` attribute, and its next page needs the paging cookie,
 * which Dataverse only returns when the annotation is asked for.
 */
export function queryPrefer(pathAndQuery: string, maxPageSize: number | undefined): string | undefined {
  if (isFetchXmlQuery(pathAndQuery)) return `odata.include-annotations="${CRM}.fetchxmlpagingcookie"`;
  return maxPageSize === undefined ? undefined : `odata.maxpagesize=${maxPageSize}`;
}

function escapeXmlAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The `<fetch>` element with `page` and `paging-cookie` set (replaced when present). */
function withPage(fetchXml: string, page: number, cookie: string): string {
  const open = /^\s*<fetch\b[^>]*?(\/?)>/.exec(fetchXml);
  if (open === null) return fetchXml;
  const attributes = open[0]
    .replace(/^\s*<fetch\b/, '')
    .replace(/\/?>$/, '')
    .replace(/\s(page|paging-cookie)\s*=\s*("[^"]*"|'[^']*')/g, '');
  const tag = `<fetch${attributes} page="${page}" paging-cookie="${escapeXmlAttribute(cookie)}"${open[1] ?? ''}>`;
  return tag + fetchXml.slice(open[0].length);
}

/**
 * The path of the next page, or undefined after the last: `@odata.nextLink` for OData; for
 * FetchXML, the same query with the next `page` and the cookie Dataverse returned (its
 * `pagingcookie` attribute, URL-decoded twice, as Learn describes).
 */
export function nextQueryPage(pathAndQuery: string, body: QueryPageBody): string | undefined {
  if (body['@odata.nextLink'] !== undefined) return body['@odata.nextLink'];
  const annotation = body[`@${CRM}.fetchxmlpagingcookie`];
  if (body[`@${CRM}.morerecords`] !== true || annotation === undefined || !isFetchXmlQuery(pathAndQuery))
    return undefined;
  const page = /\bpagenumber="(\d+)"/.exec(annotation)?.[1];
  const encoded = /\bpagingcookie="([^"]*)"/.exec(annotation)?.[1];
  if (page === undefined || encoded === undefined) return undefined;
  let cookie: string;
  try {
    cookie = decodeURIComponent(decodeURIComponent(encoded));
  } catch {
    return undefined;
  }
  const [path = '', query = ''] = pathAndQuery.split('?', 2);
  const params = new URLSearchParams(query);
  const fetchXml = params.get('fetchXml');
  if (fetchXml === null) return undefined;
  params.set('fetchXml', withPage(fetchXml, Number(page), cookie));
  return `${path}?${params.toString().replace(/\+/g, '%20')}`;
}
