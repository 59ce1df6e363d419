import { describe, expect, it } from 'vitest';
import { decideRetry, newCallState, type AttemptEnd, type CallState, type RetryContext } from './decideRetry.js';
import { defaultRetryPolicy } from './RetryPolicy.js';

const ctx: RetryContext = {
  policy: defaultRetryPolicy,
  now: 1_000,
  idempotent: true,
  canReauthenticate: true,
  failing: false,
};
const fresh = newCallState(0);
const answer = (status: number, more: Partial<Extract<AttemptEnd, { kind: 'answer' }>> = {}): AttemptEnd => ({
  kind: 'answer',
  status,
  ...more,
});
const lost: AttemptEnd = { kind: 'error', tooLarge: false };
const busy = answer(503, {
  error: { code: '0x8005e000', message: 'Server Busy: too many concurrent ExecuteMultiple' },
});

describe('decideRetry', () => {
  it.each<[string, AttemptEnd, Partial<CallState>, Partial<RetryContext>, string]>([
    ['a success', answer(204), {}, {}, 'done'],
    ['a 404', answer(404), {}, {}, 'done'],
    ['a first 401', answer(401), {}, {}, 'retry none reauthenticate'],
    ['a second 401', answer(401), { reauthenticated: true }, {}, 'done'],
    ['a 401 without an identity', answer(401), {}, { canReauthenticate: false }, 'done'],
    ['a 429', answer(429, { retryAfterMs: 2_000, retryAfter: '2' }), {}, {}, 'retry retryAfter 2000'],
    ['a 429 past maxThrottleRetries', answer(429, { retryAfterMs: 10 }), { throttleRetries: 1000 }, {}, 'done'],
    [
      'a 429 whose wait is past the time left',
      answer(429, { retryAfterMs: 400_000, retryAfter: '400' }),
      {},
      {},
      'done gaveUp',
    ],
    [
      'a 429 on a create (never ran)',
      answer(429, { retryAfterMs: 5 }),
      {},
      { idempotent: false },
      'retry retryAfter 5',
    ],
    ['Server Busy', busy, {}, {}, 'retry backoff 0'],
    ['Server Busy, the fourth time', busy, { throttleRetries: 3 }, {}, 'retry backoff 3'],
    ['Server Busy past the total time', busy, {}, { now: 300_001 }, 'done'],
    ['a 503', answer(503), {}, {}, 'retry backoff 0'],
    ['a 500 on a create (may have run)', answer(500), {}, { idempotent: false }, 'done'],
    ['a 502 after 3 server errors', answer(502), { serverErrors: 3, errorAttempts: 3 }, {}, 'done'],
    ['a 504 past the error budget', answer(504), {}, { now: 10_001 }, 'done'],
    ['a 500 while the circuit says failing', answer(500), {}, { failing: true }, 'done'],
    ['a lost connection', lost, {}, {}, 'retry backoff 0'],
    ['a lost connection, third attempt', lost, { errorAttempts: 2 }, {}, 'retry backoff 2'],
    ['a lost connection on a create', lost, {}, { idempotent: false }, 'fail'],
    ['a body too large', { kind: 'error', tooLarge: true }, {}, {}, 'fail'],
    ['a lost connection, tenth attempt', lost, { errorAttempts: 9 }, {}, 'fail'],
    ['a lost connection while failing', lost, {}, { failing: true }, 'fail'],
  ])('%s', (_label, end, state, context, expected) => {
    const d = decideRetry(end, { ...fresh, ...state }, { ...ctx, ...context });
    const said =
      d.action === 'retry'
        ? `retry ${d.wait.kind}${d.wait.kind === 'backoff' ? ` ${d.wait.step}` : d.wait.kind === 'retryAfter' ? ` ${d.wait.ms}` : ''}${d.reauthenticate ? ' reauthenticate' : ''}`
        : `${d.action}${d.state.gaveUp === undefined ? '' : ' gaveUp'}`;
    expect(said).toBe(expected);
  });

  it('counts what the attempt spent, and never changes the state it was given', () => {
    const before = { ...fresh };
    const afterLost = decideRetry(lost, before, ctx).state;
    expect(afterLost).toMatchObject({ errorAttempts: 1, serverErrors: 0 });
    const after500 = decideRetry(answer(500), afterLost, ctx).state;
    expect(after500).toMatchObject({ errorAttempts: 2, serverErrors: 1 });
    const after429 = decideRetry(answer(429, { retryAfterMs: 1 }), after500, ctx).state;
    expect(after429).toMatchObject({ errorAttempts: 2, throttled: 1, throttleRetries: 1 });
    expect(before).toEqual(fresh);
  });

  it('names the wait it would not take', () => {
    const d = decideRetry(answer(429, { retryAfterMs: 86_400_000, retryAfter: '86400' }), fresh, ctx);
    expect(d.state.gaveUp).toBe(
      "Retry-After 86400 s is longer than the 299 s left of the call's time budget (maxTotalMs 300000 ms)",
    );
  });
});
