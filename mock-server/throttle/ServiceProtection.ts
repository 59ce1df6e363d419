import type { MockConfig } from '../config/mockConfigSchema.js';
import { DataverseError } from '../errors/DataverseError.js';
import { SlidingWindow } from './SlidingWindow.js';

const LIMIT_CODES = {
  requests: '0x80072322',
  executionTime: '0x80072321',
  concurrency: '0x80072326',
} as const;

type LimitName = keyof typeof LIMIT_CODES;

interface UserState {
  readonly requests: SlidingWindow;
  readonly executionMs: SlidingWindow;
  inFlight: number;
  blockedUntil: number;
  blockedBy: LimitName | undefined;
  evaluatedAt: number;
}

export type Admission =
  | { readonly ok: true; readonly release: (orgExecutionMs: number, now: number) => void }
  | { readonly ok: false; readonly error: DataverseError };

const numberFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

let lastSeconds = NaN;
let lastFormatted = '';

/**
 * `1,199.46`: Dataverse's format, written on every response. Integer arithmetic and a one-entry
 * memo (the figure repeats while a user's windows are idle) instead of Intl or a regex.
 */
function formatSeconds(value: number): string {
  if (value === lastSeconds) return lastFormatted;
  const cents = Math.round(value * 100);
  let whole = Math.floor(cents / 100);
  const fraction = cents % 100;
  let text = `.${fraction < 10 ? '0' : ''}${fraction}`;
  while (whole >= 1000) {
    const group = whole % 1000;
    text = `,${group < 10 ? '00' : group < 100 ? '0' : ''}${group}${text}`;
    whole = Math.floor(whole / 1000);
  }
  lastSeconds = value;
  lastFormatted = `${whole}${text}`;
  return lastFormatted;
}

/**
 * Dataverse's service protection limits, per user: requests and combined execution time per
 * sliding window (evaluated every `evaluationIntervalSeconds`, so a burst overshoots a little
 * and then blocks until the window frees up), and concurrent requests (checked on every
 * request). Requests sent while blocked lengthen the block. All times are compressed by
 * `timeScale`; Retry-After is in whole seconds (at least 1), with `retry-after-ms` beside it
 * holding the exact scaled wait.
 */
export class ServiceProtection {
  readonly #users = new Map<string, UserState>();
  readonly #limits: MockConfig['limits'];
  readonly #scale: number;
  readonly #windowMs: number;
  readonly #executionLimitMs: number;
  readonly #throttled: Record<string, number> = {};
  #batchesRunning = 0;
  #serverBusy = 0;

  constructor(config: MockConfig) {
    this.#limits = config.limits;
    this.#scale = config.timeScale;
    this.#windowMs = (config.limits.windowSeconds * 1000) / config.timeScale;
    this.#executionLimitMs = (config.limits.executionSecondsPerWindow * 1000) / config.timeScale;
  }

  /** A user's counters on one web server: Dataverse evaluates its limits per user per web server. */
  #user(userId: string, server: number): UserState {
    const key = server === 0 ? userId : `${server}\u0000${userId}`;
    let state = this.#users.get(key);
    if (state === undefined) {
      state = {
        requests: new SlidingWindow(this.#windowMs),
        executionMs: new SlidingWindow(this.#windowMs),
        inFlight: 0,
        blockedUntil: 0,
        blockedBy: undefined,
        evaluatedAt: -Infinity,
      };
      this.#users.set(key, state);
    }
    return state;
  }

  #reject(limit: LimitName, waitMs: number): { ok: false; error: DataverseError } {
    this.#throttled[LIMIT_CODES[limit]] = (this.#throttled[LIMIT_CODES[limit]] ?? 0) + 1;
    const l = this.#limits;
    const messages: Record<LimitName, string> = {
      requests:
        `Number of requests exceeded the limit of ` +
        `${l.requestsPerWindow} over time window of ${l.windowSeconds} seconds.`,
      // Dataverse's text has two spaces before "milliseconds".
      executionTime:
        `Combined execution time of incoming requests exceeded limit of ` +
        `${numberFormat.format(l.executionSecondsPerWindow * 1000).replace(/\.00$/, '')}  milliseconds over ` +
        `time window of ${l.windowSeconds} seconds. Decrease number of concurrent requests or ` +
        `reduce the duration of requests and try again later.`,
      concurrency: `Number of concurrent requests exceeded the limit of ${l.concurrentRequests}.`,
    };
    const ms = Math.max(0, Math.min(waitMs, (l.maxRetryAfterSeconds * 1000) / this.#scale));
    return {
      ok: false,
      error: new DataverseError(429, LIMIT_CODES[limit], messages[limit], {
        'Retry-After': String(Math.max(1, Math.ceil(ms / 1000))),
        'retry-after-ms': String(Math.ceil(ms)),
      }),
    };
  }

  /**
   * Decides whether a request may run; on success the caller must `release` it with its
   * execution time, in the org's (uncompressed) ms.
   */
  admit(userId: string, now: number, isBatch: boolean, server = 0): Admission {
    const l = this.#limits;
    if (isBatch && l.maxConcurrentBatches !== null && this.#batchesRunning >= l.maxConcurrentBatches) {
      this.#serverBusy++;
      // The old ExecuteMultiple "Server Busy" fault; Dataverse's Web API code for it is not documented.
      return {
        ok: false,
        error: new DataverseError(
          503,
          '',
          `Server Busy: the number of concurrent $batch requests for this organization exceeded ` +
            `the limit of ${l.maxConcurrentBatches}.`,
        ),
      };
    }
    if (!l.enabled) return this.#admitted(undefined, isBatch);
    const user = this.#user(userId, server);
    if (user.inFlight >= l.concurrentRequests) {
      return this.#reject('concurrency', (l.concurrencyRetryAfterSeconds * 1000) / this.#scale);
    }
    if (user.blockedBy !== undefined && now < user.blockedUntil) {
      // Sending while throttled lengthens the wait, as Dataverse does.
      user.blockedUntil = Math.min(
        user.blockedUntil + (l.penaltySeconds * 1000) / this.#scale,
        now + (l.maxRetryAfterSeconds * 1000) / this.#scale,
      );
      return this.#reject(user.blockedBy, user.blockedUntil - now);
    }
    user.blockedBy = undefined;
    if (now - user.evaluatedAt >= (l.evaluationIntervalSeconds * 1000) / this.#scale) {
      user.evaluatedAt = now;
      if (user.requests.total(now) >= l.requestsPerWindow) {
        user.blockedBy = 'requests';
        user.blockedUntil = now + user.requests.msUntilBelow(l.requestsPerWindow, now);
        return this.#reject('requests', user.blockedUntil - now);
      }
      if (user.executionMs.total(now) >= this.#executionLimitMs) {
        user.blockedBy = 'executionTime';
        user.blockedUntil = now + user.executionMs.msUntilBelow(this.#executionLimitMs, now);
        return this.#reject('executionTime', user.blockedUntil - now);
      }
    }
    user.requests.add(now, 1);
    return this.#admitted(user, isBatch);
  }

  #admitted(user: UserState | undefined, isBatch: boolean): Admission {
    if (user !== undefined) user.inFlight++;
    if (isBatch) this.#batchesRunning++;
    let released = false;
    return {
      ok: true,
      release: (orgExecutionMs: number, now: number) => {
        if (released) return;
        released = true;
        if (isBatch) this.#batchesRunning--;
        if (user === undefined) return;
        user.inFlight--;
        user.executionMs.add(now, orgExecutionMs / this.#scale);
      },
    };
  }

  /** The `x-ms-ratelimit-*` and `x-ms-dop-hint` headers for a response to this user. */
  headers(userId: string, now: number, dopHint: number, server = 0): Record<string, string> {
    const user = this.#user(userId, server);
    const burst = Math.max(0, this.#limits.requestsPerWindow - user.requests.total(now));
    // Reported in Dataverse's own units (real seconds), whatever the time scale.
    const timeLeft = Math.max(0, (this.#executionLimitMs - user.executionMs.total(now)) * this.#scale) / 1000;
    return {
      'x-ms-ratelimit-burst-remaining-xrm-requests': String(Math.floor(burst)),
      'x-ms-ratelimit-time-remaining-xrm-requests': formatSeconds(timeLeft),
      'x-ms-dop-hint': String(dopHint),
    };
  }

  stats(): { throttledByCode: Record<string, number>; serverBusy: number } {
    return { throttledByCode: { ...this.#throttled }, serverBusy: this.#serverBusy };
  }

  reset(): void {
    this.#users.clear();
    for (const k of Object.keys(this.#throttled)) this.#throttled[k] = 0;
    this.#serverBusy = 0;
  }
}
