export interface RetryPolicy {
  /** Attempts per call after 5xx and connection errors, the first included. @default 10 */
  readonly maxAttempts: number;
  /** Retries per call after 429s; these are bounded mostly by `maxTotalMs`. @default 1000 */
  readonly maxThrottleRetries: number;
  /** Give up once a call has spent this long, waits included, in ms. @default 300000 */
  readonly maxTotalMs: number;
  /** First backoff step for 5xx and connection errors, in ms. @default 200 */
  readonly baseDelayMs: number;
  /** Largest backoff step, in ms. @default 30000 */
  readonly maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 10, maxThrottleRetries: 1000, maxTotalMs: 300_000, baseDelayMs: 200, maxDelayMs: 30_000 };

/** Exponential backoff with full jitter (AWS architecture blog): uniform in [0, min(cap, base·2^n)). */
export function backoffMs(policy: RetryPolicy, retryNumber: number, random: () => number = Math.random): number {
  return random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryNumber);
}

/** Statuses worth retrying for an idempotent call: the server did not finish it. */
export const RETRYABLE_STATUSES = new Set([500, 502, 503, 504]);

/** The wait a 429 asks for, in ms: `retry-after-ms` when present (the mock's compressed time), else `Retry-After` seconds. */
export function retryAfterMs(headers: Readonly<Record<string, string | string[] | undefined>>): number {
  const precise = Number(headers['retry-after-ms']);
  if (Number.isFinite(precise) && precise >= 0) return precise;
  const seconds = Number(headers['retry-after']);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
}
