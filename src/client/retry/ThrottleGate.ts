import { setTimeout as sleep } from 'node:timers/promises';

/**
 * One per identity: when any worker of that identity is told to wait (429 + Retry-After),
 * every worker of it waits, because Dataverse lengthens the penalty for clients that keep
 * sending while throttled.
 */
export class ThrottleGate {
  #openAt = 0;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Closes the gate until `until` (ms since epoch), or keeps a later close. */
  block(until: number): void {
    this.#openAt = Math.max(this.#openAt, until);
  }

  /** Resolves when the gate is open; returns how long it waited, in ms. */
  async wait(signal?: AbortSignal): Promise<number> {
    let waited = 0;
    for (;;) {
      const ms = this.#openAt - this.#now();
      if (ms <= 0 || signal?.aborted === true) return waited;
      await sleep(ms, undefined, { signal }).catch(() => undefined);
      waited += ms;
    }
  }
}
