import { describe, expect, it } from 'vitest';
import { ScenarioRun } from '../../src/runner/ScenarioRun.js';
import { parseScenarioText } from '../../src/scenario/loadScenario.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

// Repro 04: the same work at 4-way concurrency against tight limits. Threads share the run's
// Retry-After gate in shared memory, processes through the parent over IPC; before, each worker
// had its own gate, kept sending while its identity was blocked, and met 60-150 times the 429s.
// A 30 s window at ×30 (1 s real): a Retry-After stays a tenth of a call's 300 s retry budget,
// so no operation can run out of it however the workers race (a 300 s window could, and did).
const SCENARIO = `name: throttle-gate
seed: 4
mock:
  timeScale: 30
  latency: { default: { baseMs: 5, distribution: none } }
  limits: { requestsPerWindow: 30, windowSeconds: 30, concurrentRequests: 2, evaluationIntervalSeconds: 0 }
workloads:
  - { kind: insert, table: account, count: 100, values: { name: "T{i}" } }
strategies: [async:4, threads:4, processes:4]
repetitions: 1
warmup: 0
`;

describe('one Retry-After gate per identity for the whole run', () => {
  it('threads and processes meet no more than twice the 429s of async, and no errors', async () => {
    const outDir = await tempDir('dvbench-gate-');
    const results = await new ScenarioRun(parseScenarioText(SCENARIO, 'gate.yaml'), {
      outDir,
      target: { kind: 'mock' },
    }).run();
    const [pool, threads, processes] = results.strategies;
    expect(pool!.throttled.total).toBeGreaterThan(0);
    for (const s of [pool!, threads!, processes!]) {
      expect(s.errors.total, s.name).toBe(0);
      expect(s.integrity.ok, s.name).toBe(true);
    }
    expect(threads!.throttled.total).toBeLessThanOrEqual(2 * pool!.throttled.total);
    expect(processes!.throttled.total).toBeLessThanOrEqual(2 * pool!.throttled.total);
  });
});
