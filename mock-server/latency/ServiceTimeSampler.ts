import { createPrng, hashSeed, type Prng } from '../admin/createPrng.js';
import type { LatencySpec, MockConfig, OperationKind } from '../config/mockConfigSchema.js';

/** One unit of server work: its kind and, for queries, how many records it returned. */
export interface OperationCost {
  readonly kind: OperationKind;
  readonly records?: number;
  /** True for an operation inside a `$batch` or bulk request. */
  readonly inBatch?: boolean;
}

/**
 * Draws service times from the configured per-kind distributions with a seeded PRNG, so two
 * runs with the same seed see the same sequence of latencies.
 */
export class ServiceTimeSampler {
  readonly #latency: MockConfig['latency'];
  readonly #prng: Prng;
  #spare: number | undefined;

  constructor(config: MockConfig) {
    this.#latency = config.latency;
    this.#prng = createPrng(hashSeed(config.seed, 'latency'));
  }

  /** A standard normal variate (Box-Muller, caching the second value). */
  #normal(): number {
    if (this.#spare !== undefined) {
      const v = this.#spare;
      this.#spare = undefined;
      return v;
    }
    const u = 1 - this.#prng.next();
    const v = this.#prng.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  #sample(spec: LatencySpec): number {
    if (spec.baseMs === 0 && spec.spreadMs === 0) return 0;
    switch (spec.distribution) {
      case 'none':
        return spec.baseMs;
      case 'lognormal':
        return spec.baseMs * Math.exp(spec.sigma * this.#normal());
      case 'uniform':
        return Math.max(0, spec.baseMs + (this.#prng.next() * 2 - 1) * spec.spreadMs);
      case 'exponential':
        return spec.baseMs - spec.spreadMs * Math.log(1 - this.#prng.next());
    }
  }

  #spec(kind: OperationKind, inBatch: boolean): LatencySpec {
    const l = this.#latency;
    if (inBatch && l.batchItem !== undefined) return l.batchItem;
    return l[kind] ?? l.default;
  }

  /** Total service time, in ms, of a list of operations run one after another. */
  serviceTime(costs: readonly OperationCost[]): number {
    let total = 0;
    for (const cost of costs) {
      total += this.#sample(this.#spec(cost.kind, cost.inBatch === true));
      total += (cost.records ?? 0) * this.#latency.perRecordMs;
    }
    return total;
  }
}
