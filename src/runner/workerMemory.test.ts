import { describe, expect, it } from 'vitest';
import { expandStrategies } from '../strategies/expandStrategies.js';
import { checkWorkerMemory } from './workerMemory.js';

const GB = 1024 ** 3;

describe('checkWorkerMemory', () => {
  it('refuses process workers that cannot fit the machine, naming the strategy and the figures', () => {
    const specs = expandStrategies([{ kind: 'processes', workers: 4096 }]);
    expect(() => checkWorkerMemory(specs, { total: 24 * GB, free: 20 * GB })).toThrow(
      'strategy processes:4096: 4096 worker processes need about 368640 MB, and this machine has 24576 MB',
    );
  });

  it('warns when they fit the machine but not the memory free now, and passes what fits', () => {
    const specs = expandStrategies([
      { kind: 'sequential' },
      { kind: 'async', workers: 512 },
      { kind: 'processes', workers: 64 },
    ]);
    expect(checkWorkerMemory(specs, { total: 24 * GB, free: 2 * GB })).toEqual([
      'processes:64: 64 workers need about 5760 MB, more than the 2048 MB free now; the system may swap or kill workers',
    ]);
    expect(checkWorkerMemory(specs, { total: 24 * GB, free: 20 * GB })).toEqual([]);
  });
});
