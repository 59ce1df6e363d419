import type { CallOptions } from './ClientOptions.js';
import type { CallResult } from './CallResult.js';
import type { DataverseClient } from './DataverseClient.js';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import { nextQueryPage, queryPrefer, type QueryPageBody } from './queryPaging.js';

/** Pages one query may follow: 100,000 pages of 5,000 records is more than any table holds. */
const MAX_QUERY_PAGES = 100_000;

/**
 * Follows `@odata.nextLink` page by page with `Prefer: odata.maxpagesize`, or a FetchXML
 * query's paging cookie. A link that repeats, or more than MAX_QUERY_PAGES pages, throws
 * DVB_ERR_REQUEST_FAILED.
 */
export async function* queryPages(
  client: DataverseClient,
  pathAndQuery: string,
  options: CallOptions & { maxPageSize?: number } = {},
): AsyncGenerator<CallResult & { records: number }> {
  let next: string | undefined = pathAndQuery;
  const prefer = queryPrefer(pathAndQuery, options.maxPageSize);
  const headers = { ...options.headers, ...(prefer === undefined ? {} : { prefer }) };
  // A server whose next link repeats would be followed forever, spending the org's entitlement.
  const seen = new Set<string>();
  while (next !== undefined) {
    if (seen.has(next) || seen.size >= MAX_QUERY_PAGES)
      throw errorCatalogue.DVB_ERR_REQUEST_FAILED(
        seen.has(next)
          ? `GET ` +
              `${pathAndQuery}: the server's next-page link repeats an earlier page's (` +
              `${next.slice(0, 200)}); the query was ` +
              `stopped after ${seen.size} page(s)`
          : `GET ${pathAndQuery}: more than ${MAX_QUERY_PAGES} pages; the query was stopped (a ` +
              `larger page size, or a narrower filter)`,
      );
    seen.add(next);
    const result = await client.send('GET', next, undefined, { ...options, headers });
    if (result.status !== 200) {
      yield { ...result, records: 0 };
      return;
    }
    const page = JSON.parse(result.text) as QueryPageBody;
    yield { ...result, records: page.value?.length ?? 0 };
    next = nextQueryPage(next, page);
  }
}
