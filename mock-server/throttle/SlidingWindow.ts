/**
 * A sliding-window sum kept in fixed buckets, so memory stays constant however many requests
 * arrive: the window is the last `buckets` slices (the current one included), and a value
 * counts while its slice is among them. The resolution is windowMs / buckets.
 */
export class SlidingWindow {
  readonly #bucketMs: number;
  readonly #values: Float64Array;
  /** The slot (absolute bucket number) each ring entry holds; -1 when empty. */
  readonly #slots: Float64Array;
  /** Running sum of the entries still inside the window as of #latest. */
  #sum = 0;
  #latest = -Infinity;

  constructor(windowMs: number, buckets = 100) {
    this.#bucketMs = windowMs / buckets;
    this.#values = new Float64Array(buckets);
    this.#slots = new Float64Array(buckets).fill(-1);
  }

  /** Drops the entries that left the window; amortized O(1), as each slot expires once. */
  #advance(now: number): void {
    const slot = Math.floor(now / this.#bucketMs);
    if (slot <= this.#latest) return;
    const n = this.#values.length;
    const from = this.#latest === -Infinity ? slot - n + 1 : Math.max(this.#latest + 1, slot - n + 1);
    for (let s = from; s <= slot; s++) {
      const i = ((s % n) + n) % n;
      if (this.#slots[i] !== s) {
        this.#sum -= this.#values[i] ?? 0;
        this.#values[i] = 0;
        this.#slots[i] = s;
      }
    }
    // A long idle gap: everything left the window.
    if (this.#latest !== -Infinity && slot - this.#latest >= n) this.#sum = 0;
    this.#latest = slot;
    if (this.#sum < 1e-9) this.#sum = Math.max(0, this.#sum);
  }

  add(now: number, value: number): void {
    this.#advance(now);
    const i = Math.floor(now / this.#bucketMs) % this.#values.length;
    this.#values[i] = (this.#values[i] ?? 0) + value;
    this.#sum += value;
  }

  /** The sum of values whose bucket is still inside the window ending at `now`. */
  total(now: number): number {
    this.#advance(now);
    return this.#sum;
  }

  /** How long until the total drops below `threshold`, as the oldest buckets leave the window. */
  msUntilBelow(threshold: number, now: number): number {
    this.#advance(now);
    const n = this.#values.length;
    let total = this.#sum;
    const current = Math.floor(now / this.#bucketMs);
    for (let s = current - n + 1; s <= current && total >= threshold; s++) {
      const i = ((s % n) + n) % n;
      if (this.#slots[i] !== s) continue;
      total -= this.#values[i] ?? 0;
      // Bucket s leaves once bucket s + n begins.
      if (total < threshold) return Math.max(0, (s + n) * this.#bucketMs - now);
    }
    return 0;
  }

  clear(): void {
    this.#values.fill(0);
    this.#slots.fill(-1);
    this.#sum = 0;
    this.#latest = -Infinity;
  }
}
