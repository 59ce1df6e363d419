import { performance } from 'node:perf_hooks';
import { redact } from './auth/redact.js';
import { waitedOf } from '../../protocol/timeCompression.js';
import type { CallResult } from './CallResult.js';
import type { CallOptions } from './ClientOptions.js';
import { errorEnvelope } from './errorEnvelope.js';
import type { CallState } from './retry/decideRetry.js';
import type { Attempt } from './transport/Attempt.js';

/** Dataverse's duplicate-key code ("Cannot insert duplicate key"). */
const DUPLICATE_KEY = '0x80040237';

/** Dataverse's error envelope in a body, if it holds one. */
export function errorOf(text: string): { code: string; message: string } | undefined {
  try {
    return errorEnvelope(JSON.parse(text));
  } catch {
    return undefined; // not JSON
  }
}

/**
 * What a call returns: its last answer with the call's timings and counts, the server's error
 * (or why the call gave up on a 429's wait). A duplicate key on a retried keyed create, or a 404
 * on a retried delete, is the earlier lost attempt's own work: a 204, marked recovered.
 */
export function finishCall(
  attempt: Attempt,
  state: CallState,
  method: string,
  options: Pick<CallOptions, 'createWithKey'>,
  /** The answer's error envelope, as the retry decision read it from the body (none for a success). */
  error: { readonly code: string; readonly message: string } | undefined,
): CallResult {
  const result: CallResult = {
    status: attempt.status,
    headers: attempt.headers,
    text: attempt.text,
    ttfbMs: attempt.ttfbMs,
    totalMs: performance.now() - state.started,
    lastAttemptMs: attempt.serviceMs,
    waited: state.waited,
    lastAttemptWaited: waitedOf(attempt.headers),
    attempts: state.attempts,
    throttled: state.throttled,
    ...(error === undefined
      ? state.gaveUp === undefined
        ? {}
        : { error: { code: '', message: state.gaveUp } }
      : {
          error: {
            code: error.code,
            message: redact(state.gaveUp === undefined ? error.message : `${error.message} (${state.gaveUp})`),
          },
        }),
  };
  // A lost response to an earlier attempt: the duplicate key or the missing record is its own work.
  const recovered =
    state.attempts > 1 &&
    ((options.createWithKey === true && attempt.status === 412 && error?.code === DUPLICATE_KEY) ||
      (method === 'DELETE' && attempt.status === 404));
  if (recovered) return { ...result, status: 204, recovered: true };
  return result;
}
