import type { ServerResponse } from 'node:http';

/** Writes status, headers and body in one go; a client that went away is not an error. */
export function writeResponse(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
): void {
  if (res.headersSent || res.destroyed) return;
  const payload = Buffer.from(body, 'utf8');
  res.writeHead(status, { ...headers, 'Content-Length': String(payload.length) });
  res.end(status === 204 || status === 304 ? undefined : payload);
}
