import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { readonly ok: true; readonly body: string }
  | { readonly ok: false; readonly reason: 'too-large' | 'aborted' | 'busy' };

/** Bytes of request bodies held at once over every connection: the mock's memory bound for uploads. */
export class BodyBudget {
  #used = 0;

  constructor(readonly max: number) {}

  take(bytes: number): boolean {
    if (this.#used + bytes > this.max) return false;
    this.#used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }
}

/** Reads the whole body as UTF-8, stopping at `limitBytes` so a huge upload cannot exhaust memory. */
const EMPTY: BodyResult = { ok: true, body: '' };

export function readRequestBody(
  req: IncomingMessage,
  limitBytes: number,
  budget?: BodyBudget,
): Promise<BodyResult> | BodyResult {
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
      // The body is a string now (or dropped): its buffers no longer count against the budget.
      budget?.give(size);
      chunks.length = 0;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      if (size + chunk.length > limitBytes) {
        // Stop buffering; the rest is drained and discarded so the socket can carry the 413.
        finish({ ok: false, reason: 'too-large' });
        return;
      }
      if (budget !== undefined && !budget.take(chunk.length)) {
        finish({ ok: false, reason: 'busy' });
        return;
      }
      size += chunk.length;
      chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      finish({ ok: true, body });
    });
    req.on('error', () => {
      finish({ ok: false, reason: 'aborted' });
    });
    req.on('aborted', () => {
      finish({ ok: false, reason: 'aborted' });
    });
  });
}
