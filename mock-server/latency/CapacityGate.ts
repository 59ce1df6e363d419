import { Delays, type WaitLedger } from './Delays.js';

interface Slots {
  busy: number;
  readonly waiting: (() => void)[];
}

/**
 * The server's capacity model: each web server works on at most `capacity` operations at once
 * (the rest wait in its FIFO queue), and a `serializedFraction` of each service time is spent
 * holding one lock shared by every web server (the organization's database). Together they
 * give throughput curves the Amdahl / USL shape real servers show instead of growing without
 * bound with client concurrency. A `contention` κ (the universal scalability law's coherency
 * term) makes each operation's service time grow by κ for every other operation the
 * organization has in progress, queued or served, so throughput falls past the knee as real
 * orgs' does instead of holding at the plateau.
 */
export class CapacityGate {
  readonly #capacity: number;
  readonly #serialized: number;
  readonly #servers: Slots[];
  readonly #contention: number;
  /** Operations the organization has in progress: waiting for a slot or served. */
  #inProgress = 0;
  #lock: Promise<void> = Promise.resolve();
  #queuePeak = 0;
  #busyMs = 0;

  readonly #delays: Delays;

  constructor(
    capacity: number | null,
    serializedFraction: number,
    options: { webServers?: number; contention?: number; delays?: Delays } = {},
  ) {
    const { webServers = 1, contention = 0, delays = new Delays(1) } = options;
    this.#delays = delays;
    this.#capacity = capacity ?? Infinity;
    this.#serialized = serializedFraction;
    this.#contention = contention;
    this.#servers = Array.from({ length: Math.max(1, webServers) }, () => ({ busy: 0, waiting: [] }));
  }

  get queueDepth(): number {
    return this.#servers.reduce((n, s) => n + s.waiting.length, 0);
  }

  async #acquire(slots: Slots): Promise<void> {
    if (slots.busy < this.#capacity) {
      slots.busy++;
      return;
    }
    await new Promise<void>((resolve) => {
      slots.waiting.push(resolve);
      this.#queuePeak = Math.max(this.#queuePeak, this.queueDepth);
    });
  }

  #release(slots: Slots): void {
    const next = slots.waiting.shift();
    // The slot passes straight to the next waiter, so `busy` stays the same.
    if (next !== undefined) next();
    else slots.busy--;
  }

  /**
   * Holds a slot of web server `server` for `serviceMs` of the org's time, part of it under the
   * shared lock.
   * `undefined` when there is nothing to wait for, so a no-cost request stays synchronous.
   */
  serve(serviceMs: number, server = 0, ledger?: WaitLedger): Promise<void> | undefined {
    return serviceMs > 0 ? this.#serve(serviceMs, server, ledger) : undefined;
  }

  async #serve(serviceMs: number, server: number, ledger: WaitLedger | undefined): Promise<void> {
    const slots = this.#servers[server % this.#servers.length] ?? { busy: 0, waiting: [] };
    this.#inProgress++;
    await this.#acquire(slots);
    try {
      // Counted when service starts: the load the operation meets, its own queue included.
      const inflated = serviceMs * (1 + this.#contention * (this.#inProgress - 1));
      const serialMs = inflated * this.#serialized;
      const parallelMs = inflated - serialMs;
      await this.#delays.wait(parallelMs, ledger);
      if (serialMs > 0) {
        const previous = this.#lock;
        let unlock!: () => void;
        this.#lock = new Promise<void>((resolve) => (unlock = resolve));
        await previous;
        try {
          await this.#delays.wait(serialMs, ledger);
        } finally {
          unlock();
        }
      }
      this.#busyMs += inflated;
    } finally {
      this.#inProgress--;
      this.#release(slots);
    }
  }

  stats(): { queuePeak: number; queueDepth: number; busyMs: number } {
    return { queuePeak: this.#queuePeak, queueDepth: this.queueDepth, busyMs: Math.round(this.#busyMs) };
  }

  resetStats(): void {
    this.#queuePeak = 0;
    this.#busyMs = 0;
  }
}
