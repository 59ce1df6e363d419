import { performance } from 'node:perf_hooks';
import { errors, type Dispatcher } from 'undici';
import { attemptDeadlines, type Expirable } from './AttemptDeadlines.js';

/** One HTTP exchange, as the retry layers above the transport see it. */
export interface Attempt {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** From sending to the response's headers, ms. */
  readonly ttfbMs: number;
  /** From sending to the body's last byte, ms. */
  readonly serviceMs: number;
}

export interface AttemptRequest {
  readonly method: Dispatcher.HttpMethod;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | undefined;
  /**
   * From sending to the body's last byte, ms: past it the attempt fails with undici's headers
   * timeout error, or its body timeout error once the headers came.
   */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * The transport: one request on a dispatcher, no retries; rejects with what undici rejects
 * with. It uses undici's `dispatch` and gathers the body's chunks itself: `request()` wraps
 * every body in a Readable stream, a measurable share of the client's CPU per request at the
 * rates a load generator runs at (the harness must not be what it measures). For the same
 * reason the time limit is kept by `attemptDeadlines`, not by undici's per-request timers.
 */
export function sendAttempt(dispatcher: Dispatcher, request: AttemptRequest): Promise<Attempt> {
  return new Promise<Attempt>((resolve, reject) => {
    const { signal } = request;
    const sentAt = performance.now();
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let status = 0;
    let headers: Record<string, string | string[] | undefined> = {};
    let ttfbMs = 0;
    const chunks: Buffer[] = [];
    const onAbort = (): void => {
      stop(new errors.RequestAbortedError());
    };
    const stop = (reason: Error): void => {
      if (controller === undefined) finish(reason);
      else controller.abort(reason);
    };
    const deadline: Expirable = {
      deadline: sentAt + request.timeoutMs,
      slot: -1,
      expire: () => {
        stop(status === 0 ? new errors.HeadersTimeoutError() : new errors.BodyTimeoutError());
      },
    };
    const finish = (error: Error | undefined, attempt?: Attempt): void => {
      if (settled) return;
      settled = true;
      attemptDeadlines.delete(deadline);
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined && attempt !== undefined) resolve(attempt);
      else reject(error ?? new Error('no response'));
    };
    if (signal?.aborted === true) {
      finish(new errors.RequestAbortedError());
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    attemptDeadlines.add(deadline);
    dispatcher.dispatch(
      {
        method: request.method,
        path: request.path,
        headers: request.headers,
        body: request.body ?? null,
        headersTimeout: 0,
        bodyTimeout: 0,
      },
      {
        onRequestStart(c) {
          controller = c;
          if (settled) c.abort(new errors.RequestAbortedError());
        },
        onResponseStart(_c, statusCode, responseHeaders) {
          status = statusCode;
          headers = responseHeaders;
          ttfbMs = performance.now() - sentAt;
        },
        onResponseData(_c, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          const text =
            chunks.length === 1 ? (chunks[0]?.toString('utf8') ?? '') : Buffer.concat(chunks).toString('utf8');
          finish(undefined, { status, headers, text, ttfbMs, serviceMs: performance.now() - sentAt });
        },
        onResponseError(_c, error) {
          finish(error);
        },
      },
    );
  });
}
