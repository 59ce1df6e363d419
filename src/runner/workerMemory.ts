import { freemem, totalmem } from 'node:os';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import { descriptorOf } from '../strategies/descriptorOf.js';
import type { StrategySpec } from '../strategies/strategyKinds.js';

const mb = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;

/**
 * Refuses a strategy whose workers cannot fit in the machine's memory (4,096 processes at
 * ~90 MB is 360 GB), before anything runs; answers warnings for those that fit the machine but
 * not the memory free now.
 */
export function checkWorkerMemory(
  specs: readonly StrategySpec[],
  memory: { total: number; free: number } = { total: totalmem(), free: freemem() },
): string[] {
  const warnings: string[] = [];
  for (const spec of specs) {
    const osWorkers = descriptorOf(spec).osWorkers;
    if (osWorkers === undefined) continue;
    const workers = osWorkers.count(spec);
    const need = workers * osWorkers.bytes;
    if (need > memory.total * 0.8)
      throw errorCatalogue.DVB_ERR_USAGE(
        `strategy ${spec.name}: ${workers} worker ${osWorkers.noun} need about ${mb(need)}, and this machine ` +
          `has ${mb(memory.total)}; use fewer, or async workers (one event loop), or --shard over machines. ` +
          `Nothing ran.`,
      );
    if (need > memory.free)
      warnings.push(
        `${spec.name}: ${workers} workers need about ${mb(need)}, more than the ${mb(memory.free)} free now; the ` +
          `system may swap or kill workers`,
      );
  }
  return warnings;
}
