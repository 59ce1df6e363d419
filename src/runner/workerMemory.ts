import { freemem, totalmem } from 'node:os';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import type { StrategySpec } from '../scenario/expandStrategies.js';

/** What one worker costs: a child process is a Node runtime with its client (~90 MB measured); a thread less. */
const BYTES_PER_WORKER = { processes: 90 * 1024 * 1024, threads: 30 * 1024 * 1024 } as const;

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
    if (spec.kind !== 'processes' && spec.kind !== 'threads') continue;
    const need = spec.workers * BYTES_PER_WORKER[spec.kind];
    if (need > memory.total * 0.8)
      throw errorCatalogue.DVB_ERR_USAGE(
        `strategy ` +
          `${spec.name}: ${spec.workers} worker ` +
          `${spec.kind === 'processes' ? 'processes' : 'threads'} need about ` +
          `${mb(need)}, and this machine has ${mb(memory.total)}; use fewer, or ` +
          `async workers (one event loop), or --shard over machines. Nothing ran.`,
      );
    if (need > memory.free)
      warnings.push(
        `${spec.name}: ${spec.workers} workers need about ` +
          `${mb(need)}, more than the ${mb(memory.free)} free now; the ` +
          `system may swap or kill workers`,
      );
  }
  return warnings;
}
