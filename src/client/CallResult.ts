import type { Waited } from '../../protocol/timeCompression.js';

/** One logical call's outcome, after any retries. */
export interface CallResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Raw body text. */
  readonly text: string;
  /** Time to first byte of the last attempt, in ms. */
  readonly ttfbMs: number;
  /** From the first send to the last byte of the last attempt, waits included, in ms. */
  readonly totalMs: number;
  /** Service time of the last attempt alone (send to last byte), in ms. */
  readonly lastAttemptMs: number;
  /** Of `totalMs`, the waits on the org's behalf, real and in the org's time (see `CallState.waited`). */
  readonly waited: Waited;
  /** Of `lastAttemptMs`, what a time-compressed mock held the attempt. */
  readonly lastAttemptWaited: Waited;
  readonly attempts: number;
  /** 429s met by this call before its final answer. */
  readonly throttled: number;
  /** Dataverse's error envelope, for statuses ≥ 400. */
  readonly error?: { readonly code: string; readonly message: string };
  /** See `ClientCounters.recoveredOnRetry`. */
  readonly recovered?: boolean;
}
