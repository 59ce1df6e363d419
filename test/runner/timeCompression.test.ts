import { describe, expect, it } from 'vitest';
import { startMockServer } from '../../mock-server/index.js';
import { createMockTokenProviders } from '../../src/client/auth/createTokenProviders.js';
import { compressedClientTimes } from '../../src/client/compressedClientTimes.js';
import { DataverseClient } from '../../src/client/DataverseClient.js';
import { preflight } from '../../src/target/preflight.js';
import { renderJunit } from '../../src/report/renderJunit.js';
import { renderMarkdown } from '../../src/report/renderMarkdown.js';
import { formatSummaryTable } from '../../src/report/formatSummaryTable.js';
import { ScenarioRun } from '../../src/runner/ScenarioRun.js';
import { resultsSchema } from '../../src/runner/resultsSchema.js';
import type { RunResults } from '../../src/runner/RunResults.js';
import { parseScenarioText } from '../../src/scenario/loadScenario.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

/** A small org: creates of `createMs`, half of each under one lock, 10 ms round trip. */
const scenario = (timeScale: number, createMs: number): string => `name: compressed
seed: 3
mock:
  timeScale: ${timeScale}
  latency:
    create: { baseMs: ${createMs}, distribution: none }
    roundTripMs: 10
  serializedFraction: 0.5
  capacity: 4
workloads:
  - { kind: insert, table: account, count: 24, values: { name: "c {i}" } }
strategies:
  - sequential
  - { kind: async, workers: 4 }
repetitions: 1
warmup: 0
`;

async function run(timeScale: number, createMs = 120): Promise<RunResults> {
  const outDir = await tempDir('dvbench-compressed-');
  return new ScenarioRun(parseScenarioText(scenario(timeScale, createMs), 'inline.yaml'), {
    outDir,
    target: { kind: 'mock' },
  }).run();
}

describe('a time-compressed run', () => {
  // Creates of 120 ms at ×5 keep each wait (26 ms real) well above the time a loaded CI machine
  // takes between two requests, so the credit the mock gives back always fits in its waits.
  it("gives the org's figures of a run in real time, in a fraction of its time", async () => {
    const realStarted = performance.now();
    const real = await run(1);
    const realMs = performance.now() - realStarted;
    const started = performance.now();
    const compressed = await run(5);
    const compressedMs = performance.now() - started;
    expect(real.timeScale).toBe(1);
    expect(compressed.timeScale).toBe(5);
    // Both sides pay the same start-up (a mock, an audit), so compare whole runs.
    expect(compressedMs).toBeLessThan(realMs * 0.6);
    for (const [i, s] of compressed.strategies.entries()) {
      const r = real.strategies[i]!;
      expect(s.operations).toBe(24);
      expect(s.throughput.opsPerSec / r.throughput.opsPerSec).toBeGreaterThan(0.85);
      expect(s.throughput.opsPerSec / r.throughput.opsPerSec).toBeLessThan(1.15);
      expect(s.latencyMs.p50 / r.latencyMs.p50).toBeGreaterThan(0.85);
      expect(s.latencyMs.p50 / r.latencyMs.p50).toBeLessThan(1.15);
    }
    // Sequential: 24 creates of 130 ms of the org's time each, whatever the scale.
    expect(compressed.strategies[0]!.wallMs.mean).toBeGreaterThan(24 * 130 * 0.95);
    expect(compressed.strategies[1]!.speedup! / real.strategies[1]!.speedup!).toBeGreaterThan(0.85);
    expect(compressed.strategies[1]!.speedup! / real.strategies[1]!.speedup!).toBeLessThan(1.15);
    // Every output says so.
    expect(resultsSchema.parse(JSON.parse(JSON.stringify(compressed))).timeScale).toBe(5);
    expect(formatSummaryTable(compressed)).toContain('time-compressed ×5: ');
    expect(renderMarkdown(compressed, compressed.thresholds, [])).toContain('time-compressed ×5: ');
    expect(renderJunit(compressed, compressed.thresholds)).toContain('<property name="dvbench.timeScale" value="5"/>');
    expect(formatSummaryTable(real)).not.toContain('time-compressed');
    expect(compressed.warnings.join('\n')).not.toMatch(/fell short|was too much/);
  });

  it('says so when a scale is too much: waits too short to give back the client its time, or a mock out of CPU', async () => {
    // 70 ms of the org's time is 0.35 ms at ×200: less than the harness spends between two requests.
    // Which of the two limits shows first depends on the machine's load; both mean "too much".
    const overdone = await run(200, 60);
    expect(overdone.timeScale).toBe(200);
    expect(overdone.warnings.join('\n')).toMatch(
      new RegExp(
        "time compression ×200 (fell short in repetition 1: the mock could not give back [\\d.]+% of each worker's time" +
          "|was too much in repetition 1: the mock's event loop was \\d+% busy)",
      ),
    );
  });
});

describe('a time-compressed mock taken for an org', () => {
  it('is refused before any work: its clock is not the org’s', async () => {
    const server = await startMockServer({ port: 0, config: { timeScale: 10 } });
    try {
      const asOrg = new DataverseClient({ url: server.url, identities: createMockTokenProviders(server.url) });
      await expect(preflight(asOrg, server.url)).rejects.toThrow(
        /is a dvbench mock that compresses time \(its answers carry x-dvbench-wait-ms\)/,
      );
      await asOrg.close();
      const compressed = new DataverseClient({
        url: server.url,
        identities: createMockTokenProviders(server.url, 1, 10),
        ...compressedClientTimes(10),
      });
      await expect(preflight(compressed, server.url)).resolves.toBeUndefined();
      await compressed.close();
    } finally {
      await server.close();
    }
  });
});
