import { setTimeout as sleep } from 'node:timers/promises';
import type { Waited } from '../../protocol/timeCompression.js';

/** Past this, an overrun (or a shortfall) is not paid back: the loop stalled, and catching up would only bunch answers. */
const MAX_DEBT_MS = 50;

/**
 * A connection idle longer than this, real ms, was not busy with the client's own work (it
 * waited at a Retry-After gate, or sat in the pool): it earns no credit. A process worker
 * handed its operations over IPC on a busy 2-core machine takes 3–30 ms between requests.
 */
const MAX_CREDITED_GAP_MS = 50;

/** One request's account of its waits on the org's behalf, real ms. */
export interface WaitLedger {
  readonly arrivedAt: number;
  /** Real time spent in the org's waits (queued, served, travelling). */
  heldMs: number;
  /** What is still to be given back out of its waits (see `Delays.arrive`). */
  creditMs: number;
  /** What was given back: waited in the org's time, not here. */
  creditUsedMs: number;
}

/**
 * Every wait the mock makes on the org's behalf (service times, queueing, the round trip, a
 * slow fault), in org time: divided by the time scale, and slept so that the mean is what was
 * asked. Node truncates a timer's delay to whole milliseconds and fires it a little late (a
 * 3.8 ms sleep lasts about 3.1 ms, a 0.5 ms one 1.1 ms): nothing at 100 ms, a 20% error once
 * time is compressed ×20. So each sleep is shortened or lengthened by what earlier ones
 * overran or fell short, and over many sleeps the time slept is the time asked.
 *
 * Compressed, the client's own work between two requests would count N times over against the
 * org's waits (a worker's 1 ms becomes 10 ms of the org's time at ×10, and queueing at the
 * org's capacity thins out). So each request gets back, out of its first waits, what its
 * connection spent since its last answer (the client's work and this mock's own), less the N-th
 * part it would take in compressed time (see `protocol/timeCompression.ts`).
 */
/**
 * The one ledger of a mock in real time: nothing is compressed, so nothing in it is ever written
 * (`held` and `answered` are not reached at scale 1), and a request costs no allocation for it.
 */
const REAL_TIME: WaitLedger = Object.freeze({ arrivedAt: 0, heldMs: 0, creditMs: 0, creditUsedMs: 0 });

export class Delays {
  readonly scale: number;
  /** Real ms slept beyond what was asked, still to be paid back by later sleeps. */
  #debt = 0;
  /** Credit given to requests, and what their waits could pay of it, real ms. */
  #creditGiven = 0;
  #creditUsed = 0;
  /** Per connection: when its last answer went, and the mock's own work on it, real ms. */
  readonly #lastAnswer = new WeakMap<object, { readonly at: number; readonly ownMs: number; readonly wait: boolean }>();

  constructor(timeScale: number) {
    this.scale = timeScale;
  }

  /** `orgMs` of the org's time, as real time. */
  real(orgMs: number): number {
    return orgMs / this.scale;
  }

  /**
   * A request arrived on `connection`: its ledger, with the credit its connection's idle time
   * earns. `afterWait`: the client says it waited before sending (see `WAITED_HEADER`).
   */
  arrive(connection: object, afterWait = false): WaitLedger {
    if (this.scale === 1) return REAL_TIME;
    const now = performance.now();
    if (this.scale < 1 || afterWait) return { arrivedAt: now, heldMs: 0, creditMs: 0, creditUsedMs: 0 };
    const last = this.#lastAnswer.get(connection);
    // After a 429 or a 5xx the client waited (Retry-After, backoff): that is the org's time, not its own work.
    const gap = last === undefined || last.wait ? Infinity : now - last.at;
    const creditMs =
      last === undefined || gap > MAX_CREDITED_GAP_MS ? 0 : ((gap + last.ownMs) * (this.scale - 1)) / this.scale;
    this.#creditGiven += creditMs;
    return { arrivedAt: now, heldMs: 0, creditMs, creditUsedMs: 0 };
  }

  /** The answer (`status`) to `ledger`'s request is going out on `connection`: what it waited, real and in the org's time. */
  answered(connection: object, ledger: WaitLedger, status: number): Waited {
    const now = performance.now();
    this.#creditUsed += ledger.creditUsedMs;
    this.#lastAnswer.set(connection, {
      at: now,
      ownMs: Math.max(0, now - ledger.arrivedAt - ledger.heldMs),
      wait: status === 429 || status >= 500,
    });
    return { realMs: ledger.heldMs, orgMs: (ledger.heldMs + ledger.creditUsedMs) * this.scale };
  }

  /**
   * Waits `orgMs` of the org's time, less what `ledger` has to give back; `undefined` for no
   * wait, so a free request stays synchronous.
   */
  wait(orgMs: number, ledger?: WaitLedger): Promise<void> | undefined {
    if (orgMs <= 0) return undefined;
    let ms = orgMs / this.scale;
    if (ledger !== undefined && ledger.creditMs > 0) {
      const used = Math.min(ledger.creditMs, ms);
      ledger.creditMs -= used;
      ledger.creditUsedMs += used;
      ms -= used;
    }
    return ms > 0 ? this.#sleep(ms) : undefined;
  }

  /**
   * Credit no wait could pay, real ms since start: where a request's compressed waits were
   * shorter than the client's time since its last answer. A run reads its workers' cycles that
   * much too long (see `compressionShortfallWarning`).
   */
  get unpaidCreditMs(): number {
    return this.#creditGiven - this.#creditUsed;
  }

  /** Adds the real time `wait` takes to `ledger.heldMs`; `undefined` stays `undefined`. */
  held(ledger: WaitLedger, wait: Promise<void> | undefined): Promise<void> | undefined {
    if (wait === undefined || this.scale === 1) return wait;
    const started = performance.now();
    return wait.then(() => {
      ledger.heldMs += performance.now() - started;
    });
  }

  async #sleep(ms: number): Promise<void> {
    // A sleep settles at most a millisecond of the debt (half its length, if shorter): enough for
    // the timer's whole-millisecond steps, while no one sleep strays far from what it was asked.
    const claim = Math.max(-Math.min(1, ms), Math.min(this.#debt, 1, ms / 2));
    this.#debt -= claim;
    const target = ms - claim;
    const started = performance.now();
    if (target >= 0.5) await sleep(Math.round(target));
    else await new Promise<void>((resolve) => setImmediate(resolve));
    const overran = performance.now() - started - target;
    this.#debt = Math.max(-MAX_DEBT_MS, Math.min(MAX_DEBT_MS, this.#debt + overran));
  }
}
