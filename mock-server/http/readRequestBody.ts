import type { IncomingMessage } from 'node:http';

export type BodyResult = { readonly ok: true; readonly body: string } | { readonly ok: false; readonly reason: 'too-large' | 'aborted' };

/** Reads the whole body as UTF-8, stopping at `limitBytes` so a huge upload cannot exhaust memory. */
const EMPTY: BodyResult = { ok: true, body: '' };

export function readRequestBody(req: IncomingMessage, limitBytes: number): Promise<BodyResult> | BodyResult {
  // No Content-Length and no Transfer-Encoding: HTTP/1.1 says there is no body. Answering without
  // waiting for the 'end' event saves an event-loop turn on every GET.
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
    req.resume();
    return EMPTY;
  }
  if (req.headers['content-length'] === '0') {
    req.resume();
    return EMPTY;
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult): void => {
      if (done) return;
      done = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limitBytes) {
        // Stop buffering; the rest is drained and discarded so the socket can carry the 413.
        finish({ ok: false, reason: 'too-large' });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      finish({ ok: true, body: Buffer.concat(chunks).toString('utf8') });
    });
    req.on('error', () => {
      finish({ ok: false, reason: 'aborted' });
    });
    req.on('aborted', () => {
      finish({ ok: false, reason: 'aborted' });
    });
  });
}
