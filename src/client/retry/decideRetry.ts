import { NO_WAIT, type Waited } from '../../../protocol/timeCompression.js';
import { RETRYABLE_STATUSES, type RetryPolicy } from './RetryPolicy.js';

/** What one call has been through so far. */
export interface CallState {
  readonly started: number;
  readonly attempts: number;
  /** Attempts that met a 5xx or a connection error: they spend the error budget. */
  readonly errorAttempts: number;
  readonly serverErrors: number;
  /** Waits after a 429 or a Server Busy: they spend only the call's total time. */
  readonly throttleRetries: number;
  readonly throttled: number;
  readonly reauthenticated: boolean;
  /** Why the call ended without waiting out a 429: its Retry-After was past the call's time budget. */
  readonly gaveUp?: string;
  /**
   * The call's waits on the org's behalf, real and in the org's time: what a time-compressed mock
   * held its attempts, Retry-After and backoff (see `protocol/timeCompression.ts`).
   */
  readonly waited: Waited;
}

export function newCallState(now: number): CallState {
  return {
    started: now,
    attempts: 0,
    errorAttempts: 0,
    serverErrors: 0,
    throttleRetries: 0,
    throttled: 0,
    reauthenticated: false,
    waited: NO_WAIT,
  };
}

/** How an attempt ended, as the retry decision needs it. */
export type AttemptEnd =
  | {
      readonly kind: 'answer';
      readonly status: number;
      /** Dataverse's error envelope, for statuses ≥ 400. */
      readonly error?: { readonly code: string; readonly message: string } | undefined;
      /** What a 429 asks to wait, in ms, and the header as the server wrote it. */
      readonly retryAfterMs?: number;
      readonly retryAfter?: string;
    }
  /** No answer: the connection failed, timed out, or the body was too large to read. */
  | { readonly kind: 'error'; readonly tooLarge: boolean };

/** What the call knows beside its own state. */
export interface RetryContext {
  readonly policy: RetryPolicy;
  readonly now: number;
  /** Safe to send again after a lost response. */
  readonly idempotent: boolean;
  /** The call has an identity whose token can be renewed. */
  readonly canReauthenticate: boolean;
  /** The client's circuit: its last calls failed even after retrying, so errors are not retried. */
  readonly failing: boolean;
}

/** How long to wait before the next attempt. */
type RetryWait =
  | { readonly kind: 'none' }
  /** Exponential backoff with jitter, step n (the client draws the jitter). */
  | { readonly kind: 'backoff'; readonly step: number }
  /** What the server asked for: the identity's gate holds every worker that long. */
  | { readonly kind: 'retryAfter'; readonly ms: number };

export type RetryDecision =
  | { readonly action: 'retry'; readonly wait: RetryWait; readonly reauthenticate: boolean; readonly state: CallState }
  /** Return the answer as it is (success, or a failure not worth retrying). */
  | { readonly action: 'done'; readonly state: CallState }
  /** No answer, and no retry: the call fails. */
  | { readonly action: 'fail'; readonly state: CallState };

function spent(state: CallState, ctx: RetryContext): number {
  return ctx.now - state.started;
}

/** Whether a 5xx or a connection error may be tried again, within the error budget. */
function mayRetryError(state: CallState, ctx: RetryContext): boolean {
  const ms = spent(state, ctx);
  return (
    !ctx.failing &&
    state.errorAttempts < ctx.policy.maxAttempts &&
    ms < ctx.policy.maxErrorMs &&
    ms < ctx.policy.maxTotalMs
  );
}

/** Whether a 429 or a Server Busy may be waited out again, within the call's total time. */
function mayWaitAgain(state: CallState, ctx: RetryContext): boolean {
  return spent(state, ctx) < ctx.policy.maxTotalMs && state.throttleRetries < ctx.policy.maxThrottleRetries;
}

function retry(state: CallState, wait: RetryWait, reauthenticate = false): RetryDecision {
  return { action: 'retry', wait, reauthenticate, state };
}

/** Dataverse guarantees a throttled request did not run, so any call may be sent again after Retry-After. */
function throttled(end: Extract<AttemptEnd, { kind: 'answer' }>, state: CallState, ctx: RetryContext): RetryDecision {
  const counted = { ...state, throttled: state.throttled + 1 };
  if (!mayWaitAgain(counted, ctx)) return { action: 'done', state: counted };
  const wait = end.retryAfterMs ?? 1000;
  const left = ctx.policy.maxTotalMs - spent(state, ctx);
  // A wait the call cannot afford ends it now, naming the wait: one Retry-After of a day must
  // not hold every worker of the identity (and past 2^31 ms a timer would fire at once).
  if (wait > left) {
    const asked = end.retryAfter ?? `${wait / 1000}`;
    const gaveUp =
      `Retry-After ${asked} s is longer than the ${Math.max(0, Math.round(left / 1000))} s left of the ` +
      `call's time budget (maxTotalMs ${ctx.policy.maxTotalMs} ms)`;
    return { action: 'done', state: { ...counted, gaveUp } };
  }
  return retry({ ...counted, throttleRetries: counted.throttleRetries + 1 }, { kind: 'retryAfter', ms: wait });
}

/** No answer: lost connections are retried after a backoff within the error budget, when the call is safe to repeat. */
function lostAttempt(tooLarge: boolean, state: CallState, ctx: RetryContext): RetryDecision {
  const next = { ...state, errorAttempts: state.errorAttempts + 1 };
  // Too large a body would be as large again: not retried.
  if (tooLarge || !ctx.idempotent || !mayRetryError(next, ctx)) return { action: 'fail', state: next };
  return retry(next, { kind: 'backoff', step: next.errorAttempts - 1 });
}

/** "Server Busy" is refused before anything runs: like throttling it is waited out within the call's total time. */
function serverBusy(state: CallState, ctx: RetryContext): RetryDecision {
  if (!mayWaitAgain(state, ctx)) return { action: 'done', state };
  const next = { ...state, throttleRetries: state.throttleRetries + 1 };
  return retry(next, { kind: 'backoff', step: Math.min(next.throttleRetries, 6) - 1 });
}

/** A 5xx may have run part of the work: only a call safe to repeat is sent again, within the error budget. */
function serverError(state: CallState, ctx: RetryContext): RetryDecision {
  const next = { ...state, errorAttempts: state.errorAttempts + 1, serverErrors: state.serverErrors + 1 };
  if (ctx.idempotent && next.serverErrors < ctx.policy.maxServerErrorAttempts && mayRetryError(next, ctx))
    return retry(next, { kind: 'backoff', step: next.errorAttempts - 1 });
  return { action: 'done', state: next };
}

/**
 * The retry rule for one attempt, as a pure function of how it ended, what the call has been
 * through and the policy: 401 → one fresh token; 429 → wait its Retry-After within the call's
 * total time; Server Busy (refused before anything ran) → back off within the total time; 5xx
 * and lost connections → back off within the error budget, only for a call safe to repeat.
 */
export function decideRetry(end: AttemptEnd, state: CallState, ctx: RetryContext): RetryDecision {
  if (end.kind === 'error') return lostAttempt(end.tooLarge, state, ctx);
  const { status } = end;
  if (status < 400) return { action: 'done', state };
  if (status === 401 && ctx.canReauthenticate && !state.reauthenticated)
    return retry({ ...state, reauthenticated: true }, { kind: 'none' }, true);
  if (status === 429) return throttled(end, state, ctx);
  if (status === 503 && end.error?.message.startsWith('Server Busy') === true) return serverBusy(state, ctx);
  if (RETRYABLE_STATUSES.has(status)) return serverError(state, ctx);
  return { action: 'done', state };
}
