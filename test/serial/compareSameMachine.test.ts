import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/runCli.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

// Fixed latency and no jitter, so two runs on one machine differ only by noise. This file is in
// the serial project: it runs after the others, alone, as a comparison between runs needs.
const STABLE = `name: stable
mock:
  latency: { default: { baseMs: 6, distribution: none } }
data: { account: 20 }
workloads:
  - { kind: read, mode: retrieve, table: account, count: 200 }
# About 300 ms per repetition: long enough that timer and GC jitter are a small share.
strategies: [{ kind: async, workers: 4 }]
repetitions: 7
warmup: 1
`;

async function dir(): Promise<string> {
  return tempDir('dvbench-serial-');
}

describe('dvbench compare on a quiet machine', () => {
  it('does not flag two runs of the same scenario on the same machine', async () => {
    const d = await dir();
    await writeFile(join(d, 's.yaml'), STABLE);
    for (const name of ['a', 'b'])
      expect((await runCli(['run', join(d, 's.yaml'), '--out', join(d, name), '--quiet'])).code).toBe(0);
    const result = await runCli(['compare', join(d, 'a'), join(d, 'b')]);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain('No regression: nothing significantly slower beyond 5%');
    expect(result.stdout).not.toMatch(/\| slower \|/);
  });
});
