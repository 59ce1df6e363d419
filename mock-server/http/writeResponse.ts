import type { ServerResponse } from 'node:http';

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
  const empty = status === 204 || status === 304;
  headers['Content-Length'] = empty ? '0' : String(Buffer.byteLength(body, 'utf8'));
  res.writeHead(status, headers);
  res.end(empty ? undefined : body);
}
