import type { DataverseClient } from '../client/DataverseClient.js';

/** Thrown by `ProbeBudget.check` when probing must stop; the calibration fits what it has. */
export class BudgetSpent extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'BudgetSpent';
  }
}

export interface BudgetLimits {
  /** Requests the whole calibration may send, cleanup included. */
  readonly maxRequests: number;
  /** Wall-clock time it may take, in ms. */
  readonly maxMs: number;
  /**
   * Stop when the org says fewer requests than this are left in its service protection window
   * (`x-ms-ratelimit-burst-remaining-xrm-requests`): a calibration must never be the reason an
   * org throttles its own users.
   */
  readonly minHeadroom: number;
}

/**
 * The calibration's request and time budget. Every probe asks it before a request; part of
 * it is held back for cleanup, which must run whatever the probes spent.
 */
export class ProbeBudget {
  readonly #limits: BudgetLimits;
  readonly #started = Date.now();
  readonly #clients: DataverseClient[] = [];
  /** Requests sent outside the tracked clients (the round-trip probe, validation runs). */
  #extra = 0;
  #reserve: () => number = () => 0;

  constructor(limits: BudgetLimits) {
    this.#limits = limits;
  }

  track(client: DataverseClient): void {
    this.#clients.push(client);
  }

  /** Counts requests sent outside the tracked clients. */
  spend(requests: number): void {
    this.#extra += requests;
  }

  /** Holds back what cleanup will need, as it grows with the records created. */
  reserveFor(requests: () => number): void {
    this.#reserve = requests;
  }

  get requests(): number {
    return this.#extra + this.#clients.reduce((a, c) => a + c.counters.requests, 0);
  }

  get elapsedMs(): number {
    return Date.now() - this.#started;
  }

  /** Requests still free to spend on probes, after the cleanup reserve. */
  get remainingRequests(): number {
    return Math.max(0, this.#limits.maxRequests - this.#reserve() - this.requests);
  }

  get remainingMs(): number {
    return Math.max(0, this.#limits.maxMs - this.elapsedMs);
  }

  /** Throws `BudgetSpent` when `requests` more would pass a limit, or the org's headroom is low. */
  check(requests = 1): void {
    if (this.remainingRequests < requests)
      throw new BudgetSpent(`the request budget (${this.#limits.maxRequests}, cleanup held back) was spent`);
    // The last tenth of the time is cleanup's.
    if (this.elapsedMs > this.#limits.maxMs * 0.9)
      throw new BudgetSpent(`the time budget (${Math.round(this.#limits.maxMs / 60_000)} min) was nearly spent`);
    for (const client of this.#clients) {
      const left = client.hints.burstRemaining;
      if (left !== undefined && left < this.#limits.minHeadroom)
        throw new BudgetSpent(`the org reported only ${left} requests left in its service protection window`);
    }
  }
}
