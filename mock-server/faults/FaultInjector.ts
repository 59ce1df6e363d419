import { createPrng, hashSeed, type Prng } from '../../util/createPrng.js';
import type { FaultSpec, MockConfig, OperationKind } from '../config/mockConfigSchema.js';

/** Draws, per request, which configured fault (if any) applies, from a seeded PRNG. */
export class FaultInjector {
  readonly #faults: readonly FaultSpec[];
  readonly #prng: Prng;
  readonly #injected: Record<string, number> = {};

  constructor(config: MockConfig) {
    this.#faults = config.faults;
    this.#prng = createPrng(hashSeed(config.seed, 'faults'));
  }

  pick(table: string | undefined, operation: OperationKind): FaultSpec | undefined {
    for (const fault of this.#faults) {
      if (fault.table !== undefined && fault.table !== table) continue;
      if (fault.operation !== undefined && fault.operation !== operation) {
        // Before upserts had a kind of their own, `update` matched every PATCH: it still does.
        if (!(fault.operation === 'update' && operation === 'upsert')) continue;
      }
      if (this.#prng.next() < fault.rate) {
        this.#injected[fault.kind] = (this.#injected[fault.kind] ?? 0) + 1;
        return fault;
      }
    }
    return undefined;
  }

  stats(): Record<string, number> {
    return { ...this.#injected };
  }

  reset(): void {
    for (const k of Object.keys(this.#injected)) this.#injected[k] = 0;
  }
}
