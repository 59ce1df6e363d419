import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioRun } from '../../src/runner/ScenarioRun.js';
import { resultsSchema } from '../../src/runner/resultsSchema.js';
import type { RunResults } from '../../src/runner/RunResults.js';
import { parseScenarioText } from '../../src/scenario/loadScenario.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

async function run(yaml: string): Promise<RunResults> {
  const outDir = await tempDir('dvbench-run-');
  const loaded = parseScenarioText(yaml, 'inline.yaml');
  const runner = new ScenarioRun(loaded, { outDir, target: { kind: 'mock' } });
  const results = await runner.run();
  const onDisk = JSON.parse(await readFile(join(outDir, 'results.json'), 'utf8')) as RunResults;
  expect(onDisk.runId).toBe(results.runId);
  expect(onDisk.partial).toBe(false);
  return results;
}

describe('dvbench run: every strategy does exactly the planned work on identical data', () => {
  it('runs all seven strategies; the store afterwards holds exactly what the plan says', async () => {
    const results = await run(`name: exact
seed: 5
mock:
  latency: { default: { baseMs: 1, distribution: none } }
data: { account: 100 }
workloads:
  - { kind: insert, table: account, count: 30, values: { name: "new {i}" } }
  - { kind: update, table: account, count: 20, set: { telephone1: "555" } }
  - { kind: delete, table: account, count: 10 }
  - { kind: read, mode: retrieve, table: account, count: 10 }
  - { kind: upsert, table: account, count: 6, key: accountnumber, values: { name: "up {i}" } }
  - { kind: transactional, count: 6, linesPerUnit: 3, failureRate: 0.5 }
strategies:
  - sequential
  - { kind: async, workers: 4 }
  - { kind: threads, workers: 2 }
  - { kind: processes, workers: 2 }
  - { kind: batch, size: 20, inFlight: 2 }
  - { kind: transaction, inFlight: 2 }
  - { kind: bulk, size: 10, inFlight: 2 }
repetitions: 2
warmup: 0
`);
    expect(results.strategies.map((s) => s.name)).toEqual([
      'sequential',
      'async:4',
      'threads:2',
      'processes:2',
      'batch:20x2',
      'transaction:2',
      'bulk:10x2',
    ]);
    const planned = results.plan.operations;
    expect(planned).toBe(30 + 20 + 10 + 10 + 6 + 6 * 4);
    const first = results.strategies[0]!.repetitions[0]!;
    // 100 seeded + 30 inserts − 10 deletes + the upserts that created (odd-numbered: 3).
    expect(first.records!.account).toBe(123);
    for (const s of results.strategies) {
      expect(s.errors, s.name).toEqual({ total: 0, rate: 0, byKind: {}, causes: [] });
      expect(s.verdict, s.name).toEqual({ status: 'ok', reasons: [] });
      expect(s.integrity, s.name).toMatchObject({ ok: true, problemCount: 0 });
      expect(s.repetitions).toHaveLength(2);
      for (const r of s.repetitions) {
        expect(r.operations, s.name).toBe(planned);
        expect(r.records, s.name).toEqual(first.records);
        expect(r.dataFingerprint, s.name).toBe(first.dataFingerprint);
        expect(r.planFingerprint, s.name).toBe(first.planFingerprint);
      }
    }
    // A failed unit leaves nothing: quote lines are 3 per quote that exists.
    expect(first.records!.quotedetail).toBe(first.records!.quote! * 3);
    expect(first.records!.quote).toBeLessThan(6);
    expect(results.strategies.find((s) => s.kind === 'batch')!.requests).toBeLessThan(planned / 5);
  });

  it('with a fixed latency, async with 8 workers is at least 5x faster than sequential', async () => {
    const results = await run(`name: speed
mock:
  latency: { default: { baseMs: 20, distribution: none } }
data: { account: 50 }
workloads:
  - { kind: read, mode: retrieve, table: account, count: 80 }
strategies: [sequential, { kind: async, workers: 8 }, { kind: batch, size: 10, inFlight: 2 }]
repetitions: 2
warmup: 0
`);
    const [seq, async8, batch] = results.strategies;
    // Efficiency is per worker: a batch request carries 10 operations, so it has a speedup and no efficiency.
    expect(batch!.speedup).toBeGreaterThan(1);
    expect(batch!.efficiency).toBeNull();
    expect(seq!.wallMs.mean).toBeGreaterThan(80 * 20 * 0.95);
    expect(async8!.speedup).toBeGreaterThanOrEqual(5);
    expect(async8!.efficiency).toBeCloseTo(async8!.speedup! / 8, 6);
    expect(async8!.latencyMs.p50).toBeGreaterThanOrEqual(19);
    expect(async8!.latencyMs.p99).toBeGreaterThanOrEqual(async8!.latencyMs.p50);
    expect(results.fastest).toBe('async:8');
  });

  it('writes a results.json with the documented fields', async () => {
    const results = await run(`name: shape
mock: { profile: zero }
data: { account: 5 }
workloads: [{ kind: read, table: account, count: 2 }]
strategies: [sequential]
repetitions: 1
warmup: 0
`);
    expect(results).toMatchObject({
      schemaVersion: 2,
      verdict: { status: 'ok', reasons: [] },
      partial: false,
      interruption: null,
      target: { kind: 'mock' },
      plan: { operations: 2, byKind: { query: 2 } },
      selectedStrategies: null,
    });
    expect(results.environment).toMatchObject({
      node: process.version,
      cores: expect.any(Number),
      cpuModel: expect.any(String),
    });
    const s = results.strategies[0]!;
    expect(Object.keys(s)).toEqual(
      expect.arrayContaining([
        'name',
        'kind',
        'verdict',
        'aborted',
        'workers',
        'wallMs',
        'speedup',
        'efficiency',
        'throughput',
        'latencyMs',
        'latencyOf',
        'byWorkload',
        'byRequestKind',
        'errors',
        'throttled',
        'retries',
        'client',
        'server',
      ]),
    );
    expect(s.byWorkload).toEqual([
      expect.objectContaining({ workload: 0, name: 'read account', operations: 2, failedOperations: 0, requests: 2 }),
    ]);
    expect(s.byRequestKind.single).toMatchObject({ operations: 2, requests: 2 });
    // What a run writes is what report, compare and merge accept.
    expect(resultsSchema.safeParse(JSON.parse(JSON.stringify(results))).error).toBeUndefined();
    expect(s.wallMs.ci95).toHaveLength(2);
    expect(s.client.peakRssBytes).toBeGreaterThan(10_000_000);
    expect(s.server!.peakRssBytes).toBeGreaterThan(10_000_000);
    expect(s.recordsRead).toBe(10);
  });

  it('never writes a token or a secret into results or reports', async () => {
    const outDir = await tempDir('dvbench-secrets-');
    const loaded = parseScenarioText(
      'name: secrets\nmock: { profile: zero }\ndata: { account: 5 }\nworkloads: [{ kind: insert, table: account, count: 3, values: { name: x } }]\nstrategies: [sequential]\nrepetitions: 1\nwarmup: 0\n',
      'inline.yaml',
    );
    const results = await new ScenarioRun(loaded, { outDir, target: { kind: 'mock' } }).run();
    const { writeReports } = await import('../../src/report/writeReports.js');
    await writeReports(outDir, results, { charts: false });
    for (const file of ['results.json', 'report.md', 'report.html', 'junit.xml']) {
      const text = await readFile(join(outDir, file), 'utf8');
      // Mock tokens start with "dvmock."; the mock apps' secret is fixed.
      expect(text, file).not.toMatch(/dvmock\.[A-Za-z0-9_-]{10,}/);
      expect(text, file).not.toContain('dvbench-mock-secret');
      expect(text, file).not.toMatch(/Bearer\s+\S{10,}/);
    }
  });
});

describe('dvbench run: a warm-up cut short', () => {
  it('runs only the first warmupOperations of the plan in the warm-up, the whole plan when measured', async () => {
    const outDir = await tempDir('dvbench-run-');
    const loaded = parseScenarioText(
      `name: short-warmup
seed: 2
mock: { profile: zero }
workloads: [{ kind: insert, table: account, count: 30, values: { name: "w {i}" } }]
strategies: [sequential, { kind: batch, size: 8 }]
repetitions: 1
warmup: 1
`,
      'inline.yaml',
    );
    const runner = new ScenarioRun(loaded, { outDir, target: { kind: 'mock' }, warmupOperations: 5 });
    const ran: { name: string; warmup: boolean; total: number }[] = [];
    runner.on('progress', (p) => {
      const last = ran.at(-1);
      if (last?.name === p.name && last.warmup === p.warmup) last.total = p.total;
      else ran.push({ name: p.name, warmup: p.warmup, total: p.total });
    });
    const results = await runner.run();
    expect(ran).toEqual([
      { name: 'sequential', warmup: true, total: 5 },
      { name: 'sequential', warmup: false, total: 30 },
      { name: 'batch:8x1', warmup: true, total: 5 },
      { name: 'batch:8x1', warmup: false, total: 30 },
    ]);
    // The measured repetition did the whole plan: its 30 creates, each one request sequentially.
    expect(results.strategies.map((s) => s.operations)).toEqual([30, 30]);
    expect(results.strategies[0]?.requests).toBe(30);
  });
});
