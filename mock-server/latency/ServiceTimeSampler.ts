import { createPrng, hashSeed, type Prng } from '../../util/createPrng.js';
import type { LatencySpec, MockConfig, OperationKind } from '../config/mockConfigSchema.js';

/** One unit of server work: its kind and, for queries, how many records it returned. */
export interface OperationCost {
  /**
   * `bulk` is the fixed overhead of a bulk message (its records are costs of their own kind
   * with `inBulk`); `changeset` the transaction of one changeset in a `$batch`.
   */
  readonly kind: OperationKind | 'bulk' | 'changeset';
  readonly records?: number;
  /** True for an operation inside a `$batch` or bulk request. */
  readonly inBatch?: boolean;
  /** True for a record of a bulk message (CreateMultiple, UpdateMultiple, UpsertMultiple). */
  readonly inBulk?: boolean;
  /** The table's logical name, for its multiplier. */
  readonly table?: string;
}

const FREE: LatencySpec = { baseMs: 0, distribution: 'none', sigma: 0, spreadMs: 0 };

/** The most specific latency the config gives for this unit of work. */
function latencySpecFor(l: MockConfig['latency'], cost: OperationCost): LatencySpec {
  if (cost.kind === 'bulk') return l.bulk ?? l.batch ?? l.default;
  if (cost.kind === 'changeset') return l.changeset ?? FREE;
  const bulkItem = cost.kind === 'create' ? l.bulkCreate : l.bulkUpdate;
  if (cost.inBulk === true && bulkItem !== undefined) return bulkItem;
  if ((cost.inBatch === true || cost.inBulk === true) && l.batchItem !== undefined) return l.batchItem;
  return singleSpec(l, cost.kind);
}

/** An operation on its own: its kind's latency; an upsert unset costs an update. */
function singleSpec(l: MockConfig['latency'], kind: OperationKind): LatencySpec {
  if (kind === 'upsert') return l.upsert ?? l.update ?? l.default;
  return l[kind] ?? l.default;
}

/** The mean of a latency distribution, ms. */
function meanOf(spec: LatencySpec): number {
  switch (spec.distribution) {
    case 'none':
      return spec.baseMs;
    case 'lognormal':
      return spec.baseMs * Math.exp((spec.sigma * spec.sigma) / 2);
    case 'uniform':
      return Math.max(0, spec.baseMs);
    case 'exponential':
      return spec.baseMs + spec.spreadMs;
  }
}

function tableMultiplier(l: MockConfig['latency'], table: string | undefined): number {
  return table !== undefined && Object.hasOwn(l.tables, table) ? (l.tables[table] ?? 1) : 1;
}

function pluginTimes(config: MockConfig): Map<string, number> {
  const plugins = new Map<string, number>();
  for (const p of config.plugins)
    for (const m of p.messages) {
      const key = `${p.table}|${m}`;
      plugins.set(key, (plugins.get(key) ?? 0) + p.ms);
    }
  return plugins;
}

/**
 * The mean service time, ms, of a list of operations run one after another: what the sampler
 * draws around, for estimates (a dry run's time, a progress ETA) made from the same model. Built
 * once per config, as estimates ask it for every request of a plan.
 */
export function meanServiceModel(
  config: MockConfig,
  bypassPlugins = false,
): (costs: readonly OperationCost[]) => number {
  const l = config.latency;
  const plugins = bypassPlugins ? new Map<string, number>() : pluginTimes(config);
  return (costs) => {
    let total = 0;
    for (const cost of costs) {
      total += tableMultiplier(l, cost.table) * (meanOf(latencySpecFor(l, cost)) + (cost.records ?? 0) * l.perRecordMs);
      total += plugins.get(`${cost.table ?? ''}|${cost.kind}`) ?? 0;
    }
    return total;
  };
}

/**
 * Draws service times from the configured per-kind distributions with a seeded PRNG, so two
 * runs with the same seed see the same sequence of latencies.
 */
export class ServiceTimeSampler {
  readonly #latency: MockConfig['latency'];
  readonly #prng: Prng;
  /** Synchronous plug-in time per `table|message`. */
  readonly #plugins = new Map<string, number>();
  #spare: number | undefined;
  /** Plug-in executions, those bypassed, and the time they added. */
  readonly pluginStats = { ran: 0, bypassed: 0, ms: 0 };

  constructor(config: MockConfig) {
    this.#latency = config.latency;
    this.#prng = createPrng(hashSeed(config.seed, 'latency'));
    for (const [key, ms] of pluginTimes(config)) this.#plugins.set(key, ms);
  }

  resetPluginStats(): void {
    this.pluginStats.ran = 0;
    this.pluginStats.bypassed = 0;
    this.pluginStats.ms = 0;
  }

  /** The synchronous plug-in time of one operation, counted as run or bypassed. */
  #pluginMs(cost: OperationCost, bypass: boolean): number {
    if (this.#plugins.size === 0 || cost.table === undefined) return 0;
    const ms = this.#plugins.get(`${cost.table}|${cost.kind}`);
    if (ms === undefined) return 0;
    if (bypass) {
      this.pluginStats.bypassed++;
      return 0;
    }
    this.pluginStats.ran++;
    this.pluginStats.ms += ms;
    return ms;
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

  /**
   * Total service time, in ms, of a list of operations run one after another, with their
   * synchronous plug-ins unless the request bypasses custom logic.
   */
  serviceTime(costs: readonly OperationCost[], bypassPlugins = false): number {
    let total = 0;
    for (const cost of costs) {
      total +=
        tableMultiplier(this.#latency, cost.table) *
        (this.#sample(latencySpecFor(this.#latency, cost)) + (cost.records ?? 0) * this.#latency.perRecordMs);
      total += this.#pluginMs(cost, bypassPlugins);
    }
    return total;
  }
}
