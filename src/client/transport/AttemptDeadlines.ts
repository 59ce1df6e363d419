import { performance } from 'node:perf_hooks';

/** An attempt in flight that can be told its time is up. */
export interface Expirable {
  /** `performance.now()` time after which the attempt fails. */
  readonly deadline: number;
  expire(): void;
  /** Where `AttemptDeadlines` keeps it while it is in flight; -1 when it is not kept. */
  slot: number;
}

/** Node's timers take at most a 32-bit signed delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The time limits of the attempts in flight, kept by one timer for them all, set for the
 * earliest deadline. undici's own headers and body timeouts allocate a timer per request that
 * stays in its timer list for up to a second after the request ends: at a load generator's
 * rates that timer outlives two young-generation collections, so every request promoted about
 * 85 bytes of garbage to the old generation (half of what grew a million-operation run's heap).
 * Here a request costs a slot in an array; the timer fires about once per time limit. (A `Set`
 * of the attempts measured far worse: with entries added and deleted at this rate, nearly
 * every young object survived its collection, reached through the set.)
 */
export class AttemptDeadlines {
  readonly #slots: (Expirable | undefined)[] = [];
  readonly #free: number[] = [];
  #size = 0;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;

  get size(): number {
    return this.#size;
  }

  add(entry: Expirable): void {
    if (entry.slot >= 0) return;
    const slot = this.#free.pop() ?? this.#slots.length;
    this.#slots[slot] = entry;
    entry.slot = slot;
    this.#size++;
    if (entry.deadline < this.#timerAt) this.#schedule(entry.deadline);
  }

  /**
   * Leaves the timer set when the last attempt ends: under load the next one comes at once,
   * and re-arming a timer per request is the cost this class exists to avoid.
   */
  delete(entry: Expirable): void {
    const { slot } = entry;
    if (slot < 0 || this.#slots[slot] !== entry) return;
    this.#slots[slot] = undefined;
    this.#free.push(slot);
    entry.slot = -1;
    this.#size--;
  }

  #schedule(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(
      () => {
        this.#sweep();
      },
      Math.min(MAX_TIMER_MS, Math.max(0, at - performance.now())),
    );
    // A time limit must not keep a finished process alive.
    this.#timer.unref();
  }

  #sweep(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    // The timer's clock is the event loop's cached millisecond, which may trail performance.now().
    const now = performance.now() + 1;
    let next = Number.POSITIVE_INFINITY;
    for (const entry of this.#slots) {
      if (entry === undefined) continue;
      if (entry.deadline <= now) {
        this.delete(entry);
        entry.expire();
      } else if (entry.deadline < next) next = entry.deadline;
    }
    // An attempt expired above may have started its retry, and set the timer already.
    if (next < this.#timerAt) this.#schedule(next);
  }
}

/** The deadlines of every attempt this process sends. */
export const attemptDeadlines = new AttemptDeadlines();
