import { describe, expect, it } from 'vitest';
import { ScenarioRun } from '../../src/runner/ScenarioRun.js';
import { parseScenarioText } from '../../src/scenario/loadScenario.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

describe('adaptive concurrency', () => {
  it('meets fewer 429s than a fixed pool of 64 on a throttled scenario, without lower throughput', async () => {
    const loaded = parseScenarioText(
      `name: adaptive-vs-64
mock:
  dopHint: 8
  latency: { default: { baseMs: 10, distribution: none } }
  limits: { concurrentRequests: 12, concurrencyRetryAfterSeconds: 0.05 }
data: { account: 50 }
workloads:
  - { kind: read, mode: retrieve, table: account, count: 400 }
strategies:
  - { kind: async, workers: 64 }
  - { kind: adaptive, max: 64 }
repetitions: 2
warmup: 1
`,
      'adaptive.yaml',
    );
    const results = await new ScenarioRun(loaded, {
      outDir: await tempDir('dvbench-adaptive-'),
      target: { kind: 'mock' },
    }).run();
    const [fixed, adaptive] = results.strategies;
    expect(fixed!.throttled.total).toBeGreaterThan(20);
    expect(adaptive!.throttled.total).toBeLessThan(fixed!.throttled.total / 2);
    expect(adaptive!.throughput.opsPerSec).toBeGreaterThanOrEqual(fixed!.throughput.opsPerSec * 0.95);
    expect(adaptive!.errors.total).toBe(0);
    // It ran near the limit, not at 64.
    expect(adaptive!.workers).toBeLessThanOrEqual(16);
    expect(adaptive!.repetitions[0]!.meanWorkers).toBeGreaterThan(4);
  });
});
