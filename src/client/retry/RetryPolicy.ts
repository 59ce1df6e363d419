/**
 * How long one call may keep trying. The budgets are what keeps a dead or refusing target
 * from turning a run into hours of silent retries: documented in the README ("Retries").
 * Beside them, a client whose last 3 calls failed even after retrying stops retrying 5xx and
 * connection errors until a call succeeds again.
 */
export interface RetryPolicy {
  /**
   * Attempts per call after connection errors (a response lost on the way: the server is
   * there, and faults come in bursts), the first included. @default 10
   */
  readonly maxAttempts: number;
  /** Attempts per call after 5xx answers (the server said it is failing), the first included. @default 4 */
  readonly maxServerErrorAttempts: number;
  /** Time a call may spend on attempts and backoff after 5xx and connection errors, in ms. @default 10000 */
  readonly maxErrorMs: number;
  /** Retries per call after 429s; these are bounded mostly by `maxTotalMs`. @default 1000 */
  readonly maxThrottleRetries: number;
  /** Give up once a call has spent this long, Retry-After waits included, in ms. @default 300000 */
  readonly maxTotalMs: number;
  /** First backoff step for 5xx and connection errors, in ms. @default 200 */
  readonly baseDelayMs: number;
  /** Largest backoff step, in ms. @default 5000 */
  readonly maxDelayMs: number;
  /**
   * Consecutive failures to connect at all (refused, unknown host, unreachable, connect
   * timeout), across every call of a client, after which the target counts as unreachable and
   * every call fails at once. @default 3
   */
  readonly unreachableAfter: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 10,
  maxServerErrorAttempts: 4,
  maxErrorMs: 10_000,
  maxThrottleRetries: 1000,
  maxTotalMs: 300_000,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  unreachableAfter: 3,
};

/** Exponential backoff with full jitter (AWS architecture blog): uniform in [0, min(cap, base·2^n)). */
export function backoffMs(policy: RetryPolicy, retryNumber: number, random: () => number = Math.random): number {
  return random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryNumber);
}

/** Statuses worth retrying for an idempotent call: the server did not finish it. */
export const RETRYABLE_STATUSES = new Set([500, 502, 503, 504]);

/** Error codes that mean the connection was never made: the target is not there. */
const CONNECT_FAILURES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** OpenSSL's verdicts on a server certificate Node does not trust: trying again cannot change them. */
const CERTIFICATE_FAILURES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function hasCode(error: unknown, codes: ReadonlySet<string>): boolean {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && codes.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export function isConnectFailure(error: unknown): boolean {
  return hasCode(error, CONNECT_FAILURES);
}

/** The server's certificate was refused: no request was sent, and none will be. */
export function isCertificateFailure(error: unknown): boolean {
  return hasCode(error, CERTIFICATE_FAILURES);
}

/**
 * The wait a 429 asks for, in ms: `retry-after-ms` when present (the mock's compressed time), else
 * `Retry-After` seconds.
 */
export function retryAfterMs(headers: Readonly<Record<string, string | string[] | undefined>>): number {
  const precise = Number(headers['retry-after-ms']);
  if (Number.isFinite(precise) && precise >= 0) return precise;
  const seconds = Number(headers['retry-after']);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
}
