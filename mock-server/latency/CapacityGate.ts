import { setTimeout as sleep } from 'node:timers/promises';

interface Slots {
  busy: number;
  readonly waiting: (() => void)[];
}

/**
 * The server's capacity model: each web server works on at most `capacity` operations at once
 * (the rest wait in its FIFO queue), and a `serializedFraction` of each service time is spent
 * holding one lock shared by every web server (the organization's database). Together they
 * give throughput curves the Amdahl / USL shape real servers show instead of growing without
 * bound with client concurrency.
 */
export class CapacityGate {
  readonly #capacity: number;
  readonly #serialized: number;
  readonly #servers: Slots[];
  #lock: Promise<void> = Promise.resolve();
  #queuePeak = 0;
  #busyMs = 0;

  constructor(capacity: number | null, serializedFraction: number, webServers = 1) {
    this.#capacity = capacity ?? Infinity;
    this.#serialized = serializedFraction;
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
   * Holds a slot of web server `server` for `serviceMs`, part of it under the shared lock.
   * `undefined` when there is nothing to wait for, so a no-cost request stays synchronous.
   */
  serve(serviceMs: number, server = 0): Promise<void> | undefined {
    return serviceMs > 0 ? this.#serve(serviceMs, server) : undefined;
  }

  async #serve(serviceMs: number, server: number): Promise<void> {
    const slots = this.#servers[server % this.#servers.length] ?? { busy: 0, waiting: [] };
    await this.#acquire(slots);
    try {
      const serialMs = serviceMs * this.#serialized;
      const parallelMs = serviceMs - serialMs;
      if (parallelMs > 0) await sleep(parallelMs);
      if (serialMs > 0) {
        const previous = this.#lock;
        let unlock!: () => void;
        this.#lock = new Promise<void>((resolve) => (unlock = resolve));
        await previous;
        try {
          await sleep(serialMs);
        } finally {
          unlock();
        }
      }
      this.#busyMs += serviceMs;
    } finally {
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
