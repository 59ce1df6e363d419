import type { Dispatcher } from 'undici';

/** One HTTP exchange, as the retry layers above the transport see it. */
export interface Attempt {
  readonly status: number;
  /** Lower-cased names; a header sent more than once (`set-cookie`) is an array. */
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** From sending to the response's headers, ms. */
  readonly ttfbMs: number;
  /** From sending to the body's last byte, ms. */
  readonly serviceMs: number;
}

export interface AttemptRequest {
  readonly method: Dispatcher.HttpMethod;
  /** Origin-relative, already percent-encoded: `/api/data/v9.2/accounts?$top=1`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
  /**
   * From sending to the body's last byte, ms: past it the attempt fails with undici's headers
   * timeout error, or its body timeout error once the headers came.
   */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}
