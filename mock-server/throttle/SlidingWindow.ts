/**
 * A sliding-window sum kept in fixed buckets, so memory stays constant however many requests
 * arrive: the window is split into `buckets` slices and a value counts until its slice leaves
 * the window. The resolution is windowMs / buckets.
 */
export class SlidingWindow {
  readonly #windowMs: number;
  readonly #bucketMs: number;
  readonly #values: Float64Array;
  readonly #starts: Float64Array;

  constructor(windowMs: number, buckets = 100) {
    this.#windowMs = windowMs;
    this.#bucketMs = windowMs / buckets;
    this.#values = new Float64Array(buckets);
    this.#starts = new Float64Array(buckets).fill(-Infinity);
  }

  add(now: number, value: number): void {
    const slot = Math.floor(now / this.#bucketMs);
    const i = slot % this.#values.length;
    const start = slot * this.#bucketMs;
    if (this.#starts[i] !== start) {
      this.#starts[i] = start;
      this.#values[i] = 0;
    }
    this.#values[i] = (this.#values[i] ?? 0) + value;
  }

  /** The sum of values whose bucket is still inside the window ending at `now`. */
  total(now: number): number {
    let sum = 0;
    const from = now - this.#windowMs;
    for (let i = 0; i < this.#values.length; i++) {
      if ((this.#starts[i] ?? -Infinity) + this.#bucketMs > from) sum += this.#values[i] ?? 0;
    }
    return sum;
  }

  /** How long until the total drops below `threshold`, as the oldest buckets leave the window. */
  msUntilBelow(threshold: number, now: number): number {
    const from = now - this.#windowMs;
    const live: [number, number][] = [];
    for (let i = 0; i < this.#values.length; i++) {
      const start = this.#starts[i] ?? -Infinity;
      if (start + this.#bucketMs > from) live.push([start, this.#values[i] ?? 0]);
    }
    live.sort((a, b) => a[0] - b[0]);
    let total = live.reduce((s, [, v]) => s + v, 0);
    for (const [start, value] of live) {
      if (total < threshold) break;
      total -= value;
      if (total < threshold) return Math.max(0, start + this.#bucketMs + this.#windowMs - now);
    }
    return 0;
  }

  clear(): void {
    this.#values.fill(0);
    this.#starts.fill(-Infinity);
  }
}
