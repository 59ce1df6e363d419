import { readFile, writeFile, copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/runner/RunResults.js';
import { comparisonSchema } from '../../src/report/compare/comparisonSchema.js';
import { runCli } from '../helpers/runCli.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

const FIXTURE = new URL('../fixtures/results.json', import.meta.url).pathname;

async function dir(): Promise<string> {
  return tempDir('dvbench-reports-');
}

// Fixed latency and no jitter, so two runs on one machine differ only by noise.
const STABLE = (threshold: string) => `name: stable
mock:
  latency: { default: { baseMs: 6, distribution: none } }
data: { account: 20 }
workloads:
  - { kind: read, mode: retrieve, table: account, count: 25 }
strategies: [sequential, { kind: async, workers: 4 }]
repetitions: 5
warmup: 1
thresholds:
  - ${threshold}
`;

describe('thresholds in dvbench run', () => {
  it('all passing: exit 0, and the reports are written beside results.json', async () => {
    const d = await dir();
    await writeFile(join(d, 's.yaml'), STABLE('{ strategy: "async:4", metric: speedup, op: ">=", value: 2 }'));
    const summary = join(d, 'summary.md');
    const result = await runCli(['run', join(d, 's.yaml'), '--out', join(d, 'out'), '--quiet'], {
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('thresholds: all 1 passed');
    for (const f of [
      'report.md',
      'report.html',
      'junit.xml',
      'speedup-vs-workers.png',
      'bencher.json',
      'github-action-benchmark.smaller-is-better.json',
    ]) {
      expect((await readFile(join(d, 'out', f))).length, f).toBeGreaterThan(0);
    }
    const appended = await readFile(summary, 'utf8');
    expect(appended).toContain('# dvbench: stable');
    expect(appended).toContain('**Thresholds: all 1 passed**');
    expect(appended.indexOf('Verdict: OK')).toBeLessThan(appended.indexOf('Thresholds'));
    expect(appended).not.toContain('![');
  });

  it('a missed threshold prints one clear line and exits 1', async () => {
    const d = await dir();
    await writeFile(join(d, 's.yaml'), STABLE('{ strategy: "async:4", metric: p95, op: "<", value: 0.5 }'));
    const result = await runCli(['run', join(d, 's.yaml'), '--out', join(d, 'out'), '--quiet']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^threshold missed: p95 of async:4 = \d+\.\d+ ms, needs < 0\.50 ms$/m);
    const junit = await readFile(join(d, 'out', 'junit.xml'), 'utf8');
    expect(junit).toContain('failures="1"');
  });
});

describe('dvbench report', () => {
  it("re-renders every report from results.json alone, with exit 1 for the fixture's missed thresholds", async () => {
    const d = await dir();
    await copyFile(FIXTURE, join(d, 'results.json'));
    const result = await runCli(['report', d]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(2);
    expect(await readFile(join(d, 'report.md'), 'utf8')).toContain('**Thresholds: 2 of 3 missed**');
    expect((await readFile(join(d, 'throughput-over-time.png'))).length).toBeGreaterThan(10_000);
  });

  it('takes the results.json path too, and help on an unknown command is a usage error', async () => {
    const d = await tempDir('dvbench-reports-');
    // A file from before cost profiles (no mockCosts) still renders.
    const older = JSON.parse(await readFile(FIXTURE, 'utf8')) as Record<string, unknown>;
    delete older.mockCosts;
    await writeFile(join(d, 'results.json'), JSON.stringify(older));
    const result = await runCli(['report', join(d, 'results.json'), '--no-charts']);
    expect(result.stdout).toContain(join(d, 'report.md'));
    // The fixture misses two thresholds: a file from before the verdict counted them is judged on read, as its exit code is.
    expect(result.stdout).toContain('Verdict: FAILED: 2 thresholds missed: speedup of async:8 = 1.14, needs >= 2;');
    expect(result.code).toBe(1);
    const help = await runCli(['help', 'nosuch']);
    expect(help.code).toBe(2);
    expect(help.stderr).toContain("dvbench help: no command 'nosuch'. Commands: run, validate,");
  });

  it('a folder without results.json, or a file that is not one, is a usage error', async () => {
    const d = await dir();
    expect((await runCli(['report', d])).stderr).toContain('no such results file');
    await writeFile(join(d, 'results.json'), '{"schemaVersion": 99, "strategies": []}');
    const bad = await runCli(['report', d]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not a dvbench results file of schema version 2 (found 99)');
  });
});

describe('dvbench compare', () => {
  async function slowedCopy(factor: number): Promise<{ base: string; current: string }> {
    const d = await dir();
    const base = JSON.parse(await readFile(FIXTURE, 'utf8')) as RunResults;
    const slowed: RunResults = {
      ...base,
      strategies: base.strategies.map((s) => ({
        ...s,
        wallMs: { ...s.wallMs, mean: s.wallMs.mean * factor },
        throughput: {
          opsPerSec: s.throughput.opsPerSec / factor,
          requestsPerSec: s.throughput.requestsPerSec / factor,
        },
        repetitions: s.repetitions.map((r) => ({ ...r, wallMs: r.wallMs * factor, opsPerSec: r.opsPerSec / factor })),
      })),
    };
    await mkdir(join(d, 'base'));
    await mkdir(join(d, 'current'));
    await copyFile(FIXTURE, join(d, 'base', 'results.json'));
    await writeFile(join(d, 'current', 'results.json'), JSON.stringify(slowed));
    return { base: join(d, 'base'), current: join(d, 'current') };
  }

  it('flags a 20% slowdown built into a copy of a run (exit 1) and writes its reports', async () => {
    const { base, current } = await slowedCopy(1.2);
    const result = await runCli(['compare', base, current]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /\| async:8 \| wall time \| [\d.]+ ms \| [\d.]+ ms \| \+20\.0% \| [<\d.]+ \| slower \|/,
    );
    expect(result.stderr).toContain('regression: sequential is slower: wall time 20.0%');
    for (const f of ['compare.md', 'compare.html', 'compare.png', 'compare.json'])
      expect((await readFile(join(current, f))).length).toBeGreaterThan(0);
    // compare.json is what its published schema says.
    const comparison = comparisonSchema.parse(JSON.parse(await readFile(join(current, 'compare.json'), 'utf8')));
    expect(comparison.regressions).toBeGreaterThan(0);
  });

  it('refuses different scenarios, and different environments unless --force', async () => {
    const { base, current } = await slowedCopy(1);
    const other = JSON.parse(await readFile(FIXTURE, 'utf8')) as RunResults;
    await writeFile(
      join(current, 'results.json'),
      JSON.stringify({ ...other, scenario: { ...other.scenario, name: 'another' } }),
    );
    const scenarios = await runCli(['compare', base, current]);
    expect(scenarios.code).toBe(2);
    expect(scenarios.stderr).toContain(
      "refusing to compare different scenarios: 'fixture' (60 operations) vs 'another' (60 operations)",
    );
    await writeFile(
      join(current, 'results.json'),
      JSON.stringify({ ...other, environment: { ...other.environment, cores: 64 } }),
    );
    const env = await runCli(['compare', base, current]);
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('different environments (2 vs 64 cores)');
    expect((await runCli(['compare', base, current, '--force'])).code).toBe(0);
    await writeFile(
      join(current, 'results.json'),
      JSON.stringify({
        ...other,
        mockCosts: { ...other.mockCosts, kind: 'profile', profile: 'zero', version: 1, origin: 'built-in' },
      }),
    );
    expect((await runCli(['compare', base, current])).stderr).toContain(
      'mock costs hand-set (latency) vs profile zero v1 (built-in, with latency set over it)',
    );
    expect((await runCli(['compare', base, current, '--tolerance', 'lots'])).stderr).toContain(
      "--tolerance must be a share from 0 to under 1, e.g. 5% or 0.05, got 'lots'.",
    );
  });
});
