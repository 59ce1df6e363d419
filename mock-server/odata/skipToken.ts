import { dataverseErrors } from '../errors/dataverseErrors.js';

/** Where the previous page ended: the sort values and primary key of its last row. */
export interface PageCursor {
  readonly page: number;
  readonly last: readonly (string | number | boolean | null)[];
  readonly id: string;
  /** Binds the cursor to its query, so a token cannot be replayed against another ordering. */
  readonly query: string;
}

/**
 * Encodes a cursor in the shape of Dataverse's paging cookie
 * (`<cookie pagenumber="2" pagingcookie="…" istracking="False" />`); clients treat it as opaque.
 */
export function encodeSkipToken(cursor: PageCursor): string {
  const inner = Buffer.from(JSON.stringify(cursor)).toString('base64url');
  return (
    `<cookie pagenumber="` +
    `${cursor.page}" pagingcookie="${encodeURIComponent(encodeURIComponent(inner))}" istracking="False" />`
  );
}

export function decodeSkipToken(token: string, query: string): PageCursor {
  const invalid = dataverseErrors.querySyntax(
    'The $skiptoken value is not valid for this query. Resend the @odata.nextLink as it was received.',
  );
  const m = /pagingcookie="([^"]*)"/.exec(token);
  if (m === null) throw invalid;
  try {
    const json: unknown = JSON.parse(
      Buffer.from(decodeURIComponent(decodeURIComponent(m[1] ?? '')), 'base64url').toString('utf8'),
    );
    if (typeof json !== 'object' || json === null) throw invalid;
    const c = json as Partial<PageCursor>;
    if (
      typeof c.page !== 'number' ||
      typeof c.id !== 'string' ||
      !Array.isArray(c.last) ||
      c.query !== query ||
      !c.last.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
    ) {
      throw invalid;
    }
    return c as PageCursor;
  } catch {
    throw invalid;
  }
}
