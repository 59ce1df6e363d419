import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The server's capacity model: at most `capacity` operations are served at once (the rest
 * wait in a FIFO queue), and a `serializedFraction` of each service time is spent holding one
 * server-wide lock. Together they give throughput curves the Amdahl / USL shape real servers
 * show instead of growing without bound with client concurrency.
 */
export class CapacityGate {
  readonly #capacity: number;
  readonly #serialized: number;
  #busy = 0;
  readonly #waiting: (() => void)[] = [];
  #lock: Promise<void> = Promise.resolve();
  #queuePeak = 0;
  #busyMs = 0;

  constructor(capacity: number | null, serializedFraction: number) {
    this.#capacity = capacity ?? Infinity;
    this.#serialized = serializedFraction;
  }

  get queueDepth(): number {
    return this.#waiting.length;
  }

  async #acquire(): Promise<void> {
    if (this.#busy < this.#capacity) {
      this.#busy++;
      return;
    }
    await new Promise<void>((resolve) => {
      this.#waiting.push(resolve);
      this.#queuePeak = Math.max(this.#queuePeak, this.#waiting.length);
    });
  }

  #release(): void {
    const next = this.#waiting.shift();
    // The slot passes straight to the next waiter, so #busy stays the same.
    if (next !== undefined) next();
    else this.#busy--;
  }

  /** Holds a slot for `serviceMs`, part of it under the server-wide lock. */
  async serve(serviceMs: number): Promise<void> {
    if (serviceMs <= 0) return;
    await this.#acquire();
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
      this.#release();
    }
  }

  stats(): { queuePeak: number; queueDepth: number; busyMs: number } {
    return { queuePeak: this.#queuePeak, queueDepth: this.#waiting.length, busyMs: Math.round(this.#busyMs) };
  }

  resetStats(): void {
    this.#queuePeak = 0;
    this.#busyMs = 0;
  }
}
