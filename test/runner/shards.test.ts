import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { ScenarioRun } from '../../src/runner/ScenarioRun.js';
import type { RunResults } from '../../src/runner/RunResults.js';
import { parseScenarioText } from '../../src/scenario/loadScenario.js';
import { runCli } from '../helpers/runCli.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

const YAML = `name: sharded
mock: { profile: zero }
seed: 12
data: { account: 60 }
workloads:
  - { kind: insert, table: account, count: 31, values: { name: "s{i}" } }
  - { kind: update, table: account, count: 20, set: { telephone1: "9" } }
  - { kind: delete, table: account, count: 9 }
  - { kind: read, mode: retrieve, table: account, count: 17 }
strategies: [{ kind: async, workers: 3 }]
repetitions: 2
warmup: 0
`;

describe('sharded runs', () => {
  it('two shards merged equal the unsharded run in operation counts and histogram totals, with disjoint work', async () => {
    const loaded = parseScenarioText(YAML, 'sharded.yaml');
    const base = await tempDir('dvbench-shards-');
    const whole = await new ScenarioRun(loaded, { outDir: join(base, 'whole'), target: { kind: 'mock' } }).run();
    for (const i of [1, 2]) {
      const r = await new ScenarioRun(loaded, {
        outDir: join(base, `shard${i}`),
        target: { kind: 'mock' },
        shard: { index: i, count: 2 },
      }).run();
      expect(r.shard).toEqual({ index: i, count: 2 });
      expect(r.strategies[0]!.integrity.ok).toBe(true);
    }
    const cli = await runCli(['merge', join(base, 'shard1'), join(base, 'shard2'), '--out', join(base, 'merged')]);
    expect(cli.code, cli.stderr).toBe(0);
    const merged = JSON.parse(await readFile(join(base, 'merged', 'results.json'), 'utf8')) as RunResults;
    const [m, w] = [merged.strategies[0]!, whole.strategies[0]!];
    expect(merged.plan.operations).toBe(whole.plan.operations);
    expect(m.repetitions.map((r) => r.operations)).toEqual(w.repetitions.map((r) => r.operations));
    expect(m.requests).toBe(w.requests);
    expect(m.latencyMs.count).toBe(w.latencyMs.count);
    expect(hdr.decodeFromCompressedBase64(m.histograms.response).totalCount).toBe(
      hdr.decodeFromCompressedBase64(w.histograms.response).totalCount,
    );
    expect(m.errors.total).toBe(0);
    expect(m.workers).toBe(6);
    expect(merged.shard).toEqual({ index: 0, count: 2 });
    expect(await readFile(join(base, 'merged', 'report.md'), 'utf8')).toContain('# dvbench: sharded');
  });

  it('refuses incomplete or mismatched shard sets, and a bad --shard', async () => {
    const base = await tempDir('dvbench-shards-bad-');
    const loaded = parseScenarioText(YAML.replace('repetitions: 2', 'repetitions: 1'), 'sharded.yaml');
    await new ScenarioRun(loaded, {
      outDir: join(base, 's1'),
      target: { kind: 'mock' },
      shard: { index: 1, count: 3 },
    }).run();
    await new ScenarioRun(loaded, {
      outDir: join(base, 's2'),
      target: { kind: 'mock' },
      shard: { index: 2, count: 3 },
    }).run();
    const missing = await runCli(['merge', join(base, 's1'), join(base, 's2'), '--out', join(base, 'm')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('need each of shards 1..3 exactly once, got 1, 2');
    const bad = await runCli(['run', 'scenarios/update.yaml', '--shard', '3/2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--shard must be i/n with n ≥ 2 and 1 ≤ i ≤ n, e.g. 1/4, got '3/2'.");
  });
});
