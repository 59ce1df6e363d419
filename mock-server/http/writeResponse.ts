import type { ServerResponse } from 'node:http';

const UNSAFE = /[^\x20-\x7e]/;
const UNSAFE_ALL = /[^\x20-\x7e]/gu;

/**
 * Writes status, headers and body in one go; a client that went away is not an error. `headers`
 * is taken over (Content-Length is added to it): pass an object of its own. The body goes out as
 * a string, which Node joins to the header block for one socket write instead of two.
 */
export function writeResponse(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
): void {
  if (res.headersSent || res.destroyed) return;
  // A header carries bytes 0x20-0x7E only: a record key such as accountnumber='€1' is
  // percent-encoded, as a URL is, never written raw (Node would throw after the write happened).
  for (const name in headers) {
    const value = headers[name] ?? '';
    if (UNSAFE.test(value)) headers[name] = value.replace(UNSAFE_ALL, (c) => encodeURIComponent(c));
  }
  const empty = status === 204 || status === 304;
  headers['Content-Length'] = empty ? '0' : String(Buffer.byteLength(body, 'utf8'));
  res.writeHead(status, headers);
  res.end(empty ? undefined : body);
}
