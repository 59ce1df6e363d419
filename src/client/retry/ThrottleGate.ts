import { setTimeout as sleep } from 'node:timers/promises';

/**
 * One per identity for a whole run: when any worker of that identity is told to wait (429 +
 * Retry-After), every worker of it waits, because Dataverse lengthens the penalty for clients
 * that keep sending while throttled.
 *
 * The reopening time lives in shared memory (a `SharedArrayBuffer` slot), so worker threads
 * given the same buffer share one gate with the parent. Child processes cannot share memory:
 * they relay each `block` to the parent over IPC (`onBlock`), which blocks its own gate and
 * forwards the time to every other child.
 */
export class ThrottleGate {
  readonly #slot: BigInt64Array;
  readonly #now: () => number;
  /** Called when this gate is closed by a 429 seen here (not when a relayed time is applied). */
  onBlock: ((until: number) => void) | undefined;

  constructor(options: { buffer?: SharedArrayBuffer; index?: number; now?: () => number } = {}) {
    this.#slot = new BigInt64Array(options.buffer ?? new SharedArrayBuffer(8), (options.index ?? 0) * 8, 1);
    this.#now = options.now ?? Date.now;
  }

  /** Shared memory for `count` gates; give it to worker threads with the gates' indexes. */
  static buffer(count: number): SharedArrayBuffer {
    return new SharedArrayBuffer(8 * Math.max(1, count));
  }

  /** When the gate opens again, in ms since the epoch (0: open). */
  get openAt(): number {
    return Number(Atomics.load(this.#slot, 0));
  }

  /** Closes the gate until `until` (ms since epoch), or keeps a later close; `relayed` skips `onBlock`. */
  block(until: number, relayed = false): void {
    const next = BigInt(Math.ceil(until));
    for (;;) {
      const current = Atomics.load(this.#slot, 0);
      if (current >= next) return;
      if (Atomics.compareExchange(this.#slot, 0, current, next) === current) break;
    }
    if (!relayed) this.onBlock?.(until);
  }

  /** Whether a request may go now: checked before `wait`, so an open gate costs no promise. */
  get isOpen(): boolean {
    return this.openAt - this.#now() <= 0;
  }

  /** Resolves when the gate is open; returns how long it waited, in ms. */
  async wait(signal?: AbortSignal): Promise<number> {
    let waited = 0;
    for (;;) {
      const ms = this.openAt - this.#now();
      if (ms <= 0 || signal?.aborted === true) return waited;
      await sleep(ms, undefined, { signal }).catch(() => undefined);
      waited += ms;
    }
  }
}
