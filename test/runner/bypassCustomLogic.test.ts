import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/index.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

/** Ten creates on a mock whose only cost is a 30 ms synchronous plug-in on account creates. */
const scenario = (bypassCustomLogic: boolean) => ({
  name: bypassCustomLogic ? 'bypassed' : 'with-plugins',
  mock: { profile: 'zero', plugins: [{ table: 'account', messages: ['create'], ms: 30 }] },
  workloads: [{ kind: 'insert', table: 'account', count: 10, values: { name: 'p{i}' } }],
  strategies: ['sequential', 'batch:5x1', 'threads:2'],
  bypassCustomLogic,
  repetitions: 1,
  warmup: 0,
});

describe('bypassCustomLogic: the plug-in A/B', () => {
  it('every strategy pays the plug-in per record without it, and none of it with it (threads included)', async () => {
    const dir = await tempDir('dvbench-bypass-');
    const [paid, skipped] = await Promise.all(
      [false, true].map((bypass) => run(scenario(bypass), { outDir: join(dir, String(bypass)), reports: false })),
    );
    for (const s of paid?.strategies ?? []) {
      expect([s.name, s.server?.busyMs]).toEqual([s.name, 300]);
      expect(s.errors.total).toBe(0);
    }
    for (const s of skipped?.strategies ?? []) expect([s.name, s.server?.busyMs]).toEqual([s.name, 0]);
    expect(paid?.strategies).toHaveLength(3);
    expect(skipped?.strategies).toHaveLength(3);
  }, 60_000);
});
