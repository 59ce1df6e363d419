import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/runner/RunResults.js';
import { runCli } from '../helpers/runCli.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

/** A calibrated profile as `dvbench calibrate` writes one: cheap costs, and the uncertainty it measured. */
const PROFILE = `profile:
  name: calibrated-test
  version: 1
  source: a test
  createdAt: "2026-12-04T00:00:00Z"
  measuredOn: https://org.example
  uncertainty:
    confidence: 0.9
    figures: { latency.create.baseMs: [1.8, 2.2] }
    predictionLogSd: 0.05
    degreesOfFreedom: 7
    basis: validation
mock:
  latency: { default: { baseMs: 1, distribution: none }, create: { baseMs: 2, distribution: none } }
`;

const scenario = (mockLine: string): string => `name: intervals
${mockLine}
workloads: [{ kind: insert, table: account, count: 20, values: { name: "x{i}" } }]
strategies: [sequential, async:4]
`;

async function run(dir: string, mockLine: string): Promise<{ stdout: string; results: RunResults }> {
  await writeFile(join(dir, 'calibrated.yaml'), PROFILE);
  await writeFile(join(dir, 's.yaml'), scenario(mockLine));
  const out = join(dir, 'out');
  const r = await runCli(['run', join(dir, 's.yaml'), '--out', out]);
  expect(r.code, r.stderr).toBe(0);
  return { stdout: r.stdout, results: JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults };
}

describe('a run on a calibrated profile shows each throughput with its 90% interval', () => {
  it('results.json, the terminal table and the report carry "ops/s (low–high)" from the profile\'s spread', async () => {
    const dir = await tempDir('dvbench-intervals-');
    const { stdout, results } = await run(dir, 'mock: { profile: ./calibrated.yaml }');
    expect(results.mockCosts?.uncertainty).toEqual({
      confidence: 0.9,
      predictionLogSd: 0.05,
      degreesOfFreedom: 7,
      basis: 'validation',
    });
    for (const s of results.strategies) {
      const x = s.throughput.opsPerSec;
      // t(0.95, 7) = 1.895: ±9.9% in ln.
      expect(s.throughput.interval?.low).toBeCloseTo(x * Math.exp(-1.895 * 0.05), 6);
      expect(s.throughput.interval?.high).toBeCloseTo(x * Math.exp(1.895 * 0.05), 6);
      expect(stdout).toContain(
        `${x.toFixed(1)} (${s.throughput.interval?.low.toFixed(1)}–${s.throughput.interval?.high.toFixed(1)})`,
      );
    }
    expect(stdout).toContain("ops/s in brackets: the 90% interval the org's throughput should fall in");
    const markdown = await readFile(join(dir, 'out', 'report.md'), 'utf8');
    expect(markdown).toMatch(/\| [\d.]+ \([\d.]+–[\d.]+\) \|/);
  });

  it('costs set by hand over the profile void its calibration: no interval', async () => {
    const dir = await tempDir('dvbench-intervals-');
    const { stdout, results } = await run(dir, 'mock: { profile: ./calibrated.yaml, capacity: 2 }');
    expect(results.mockCosts?.handSet).toEqual(['capacity']);
    expect(results.mockCosts?.uncertainty).toBeNull();
    expect(results.strategies.every((s) => s.throughput.interval === undefined)).toBe(true);
    expect(stdout).not.toContain('ops/s in brackets');
  });
});
