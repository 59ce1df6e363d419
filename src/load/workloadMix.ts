/**
 * Picks workloads by weight, deterministically and as evenly as the weights allow (smooth
 * weighted round robin): weights 3 and 1 give a a b a a a b a…, never a run of one kind longer
 * than the weights require.
 */
export class WorkloadMix {
  readonly #weights: readonly number[];
  readonly #current: number[];
  readonly #total: number;

  constructor(weights: readonly number[]) {
    this.#weights = weights;
    this.#current = weights.map(() => 0);
    this.#total = weights.reduce((a, w) => a + w, 0);
  }

  next(): number {
    let best = 0;
    for (let i = 0; i < this.#weights.length; i++) {
      this.#current[i] = (this.#current[i] ?? 0) + (this.#weights[i] ?? 0);
      if ((this.#current[i] ?? 0) > (this.#current[best] ?? 0)) best = i;
    }
    this.#current[best] = (this.#current[best] ?? 0) - this.#total;
    return best;
  }
}
