import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimateRepetition } from '../../src/estimate/estimateStrategy.js';
import { loadScenario, run } from '../../src/index.js';
import { dryRun, standInOperations } from '../../src/runner/dryRun.js';
import { expandStrategies } from '../../src/strategies/expandStrategies.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

/**
 * Costs that dominate the harness's own (a few ms each, no randomness), a capacity of 2 and a
 * serialized share: every piece of the model is in play, and the measured times are steady.
 */
const SCENARIO = {
  name: 'estimates',
  mock: {
    latency: {
      roundTripMs: 2,
      default: { baseMs: 4, distribution: 'none' },
      create: { baseMs: 8, distribution: 'none' },
      batch: { baseMs: 6, distribution: 'none' },
      batchItem: { baseMs: 2, distribution: 'none' },
      bulk: { baseMs: 10, distribution: 'none' },
      bulkCreate: { baseMs: 1, distribution: 'none' },
    },
    capacity: 2,
    serializedFraction: 0.25,
  },
  data: { account: 40 },
  workloads: [
    { kind: 'insert', table: 'account', count: 80, values: { name: 'E{i}' } },
    { kind: 'read', mode: 'retrieve', table: 'account', count: 40 },
  ],
  strategies: [
    'sequential',
    'async:2',
    'async:8',
    { kind: 'batch', size: 10, inFlight: 2 },
    { kind: 'bulk', size: 20, inFlight: 1 },
    { kind: 'transaction', inFlight: 2 },
  ],
  repetitions: 2,
  warmup: 1,
};

describe('estimates from the cost model', () => {
  it("each strategy's repetition is within ±25% of its estimate, and the dry run's total is the sum", async () => {
    const dir = await tempDir('dvbench-estimates-');
    const loaded = await loadScenario(SCENARIO);
    const ops = standInOperations(loaded.scenario);
    const results = await run(SCENARIO, { outDir: join(dir, 'out'), reports: false });
    expect(results.verdict.status).toBe('ok');
    const specs = expandStrategies(loaded.scenario.strategies);
    const rows = results.strategies.map((s) => {
      const spec = specs.find((x) => x.name === s.name);
      if (spec === undefined) throw new Error(s.name);
      const estimate = estimateRepetition(loaded.scenario, spec, ops, 'mock').ms;
      return { name: s.name, estimate, measured: s.wallMs.mean, ratio: s.wallMs.mean / estimate };
    });
    for (const r of rows) {
      expect(r.ratio, JSON.stringify(r)).toBeGreaterThan(0.75);
      expect(r.ratio, JSON.stringify(r)).toBeLessThan(1.25);
    }
    const plan = dryRun(loaded.scenario);
    expect(plan.estimatedMs).toBeGreaterThan(plan.strategies.reduce((a, s) => a + s.estimatedMs, 0));
  }, 120_000);
});
