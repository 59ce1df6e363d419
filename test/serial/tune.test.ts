import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tuneSchema } from '../../src/runner/tuneSchema.js';
import { runCli } from '../helpers/runCli.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

describe('dvbench tune', () => {
  it('recommends about 8 workers for the capacity-8 example, with a fit, every point and a chart', async () => {
    const out = await tempDir('dvbench-tune-');
    const result = await runCli(
      ['tune', 'scenarios/tune-capacity-8.yaml', '--max', '16', '--repeat', '1', '--out', out],
      { timeoutMs: 120_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    // The file is what its published schema says.
    const tune = tuneSchema.parse(JSON.parse(await readFile(join(out, 'tune.json'), 'utf8')));
    expect(tune.recommendedWorkers).toBeGreaterThanOrEqual(6);
    expect(tune.recommendedWorkers).toBeLessThanOrEqual(10);
    // The doubling sweep, then three counts inside the bracket where the knee is.
    expect(tune.points.map((p) => p.workers)).toEqual([1, 2, 4, 8, 10, 12, 14, 16]);
    // A hard capacity is a knee, not a USL curve: the bound wins and puts the knee at 8.
    expect(tune.scaling?.model).toBe('bound');
    expect(tune.scaling!.knee).toBeGreaterThan(7);
    expect(tune.scaling!.knee).toBeLessThan(9.5);
    expect(tune.scaling!.bound.r2).toBeGreaterThan(0.9);
    expect(tune.scaling!.kneeRange[1]).toBeLessThanOrEqual(10);
    expect(tune).toMatchObject({ dopHint: 8, concurrencyLimit: 52 });
    expect(result.stdout).toMatch(
      /^Use \d+ workers: [\d.]+ ops\/s, within 5% of the best measured, with no 429s; throughput levels off at about [\d.]+ workers .*x-ms-dop-hint is 8/m,
    );
    const png = await readFile(join(out, 'tune.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  }, 120_000);
});
