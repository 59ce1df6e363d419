import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { mergeShards } from '../../src/report/mergeShards.js';
import type { RunResults } from '../../src/runner/RunResults.js';

describe('merged shards are judged as one run is', () => {
  it('a shard that stopped on an error fails the merged run, naming the error', async () => {
    const r = JSON.parse(await readFile(new URL('../fixtures/results.json', import.meta.url), 'utf8')) as RunResults;
    const plain = { ...r, scenario: { ...r.scenario, thresholds: [] } };
    const first: RunResults = { ...plain, shard: { index: 1, count: 2 } };
    const second: RunResults = {
      ...plain,
      shard: { index: 2, count: 2 },
      partial: true,
      interruption: 'error: the target cannot be reached',
    };
    const merged = mergeShards([first, second]);
    expect(merged.verdict.status).toBe('failed');
    expect(merged.verdict.reasons).toContain('error: the target cannot be reached');
    expect(mergeShards([first, { ...first, shard: { index: 2, count: 2 } }]).verdict.status).toBe('ok');
  });
});
