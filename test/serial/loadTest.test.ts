import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { LoadRun } from '../../src/load/LoadRun.js';
import type { LoadResults } from '../../src/load/LoadResults.js';
import { loadScenario } from '../../src/scenario/loadScenario.js';
import { runCli } from '../helpers/runCli.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

async function scenarioFile(dir: string, scenario: Record<string, unknown>): Promise<string> {
  const path = join(dir, `${String(scenario.name)}.yaml`);
  await writeFile(path, stringify(scenario));
  return path;
}

async function runLoad(scenario: Record<string, unknown>, files: Record<string, string> = {}): Promise<LoadResults> {
  const dir = await tempDir('dvbench-load-');
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const loaded = await loadScenario(await scenarioFile(dir, scenario));
  return new LoadRun(loaded, { outDir: join(dir, 'out'), target: { kind: 'mock' } }).run();
}

const READS = { name: 'reads', kind: 'read', table: 'account', mode: 'retrieve', count: 50 };

describe('load tests (open model) on the embedded mock', () => {
  it('holds a constant 200/s within 2% when the server keeps up: every arrival sent on time', async () => {
    const r = await runLoad({
      name: 'constant',
      mock: { profile: 'zero' },
      data: { account: 50 },
      workloads: [READS],
      load: { stages: [{ duration: '4s', rate: 200 }], interval: '1s' },
    });
    expect(r.arrivals).toMatchObject({ planned: 800, due: 800, sent: 800, dropped: 0 });
    expect(r.arrivals.late).toBeLessThanOrEqual(8);
    expect(r.operations).toBe(800);
    expect(r.failed).toBe(0);
    // The full intervals inside the stage each finished the planned 200 within 2%.
    const inner = r.series.filter((p) => p.t >= 0.9 && p.t < 3.1);
    expect(inner.length).toBeGreaterThanOrEqual(2);
    const rate = inner.reduce((a, p) => a + p.opsPerSec, 0) / inner.length;
    expect(rate).toBeGreaterThanOrEqual(196);
    expect(rate).toBeLessThanOrEqual(204);
    expect(r.verdict.status).toBe('ok');
  }, 60_000);

  it('when the server cannot keep up, drops arrivals past maxInFlight and counts them; latency includes the queue', async () => {
    const r = await runLoad({
      name: 'overload',
      mock: { latency: { default: { baseMs: 20, distribution: 'none' } }, capacity: 1 },
      data: { account: 50 },
      workloads: [READS],
      // 100/s into a server that does 50/s.
      load: { stages: [{ duration: '2s', rate: 100 }], maxInFlight: 10 },
    });
    expect(r.arrivals.due).toBe(200);
    expect(r.arrivals.sent + r.arrivals.dropped).toBe(200);
    expect(r.arrivals.dropped).toBeGreaterThan(40);
    expect(r.series.reduce((a, p) => a + p.dropped, 0)).toBe(r.arrivals.dropped);
    // Ten in flight on a server that serves one at a time: most wait behind others.
    expect(r.latencyMs.p50).toBeGreaterThan(60);
    expect(r.operations).toBe(r.arrivals.sent);
  }, 60_000);

  it('when the generator itself falls behind, counts late arrivals and their latency includes the wait', async () => {
    // Each operation holds the event loop 30 ms, but arrivals come every 20 ms.
    const job = 'export default async function () { const t = Date.now(); while (Date.now() - t < 30) {} }\n';
    const r = await runLoad(
      {
        name: 'behind',
        mock: { profile: 'zero' },
        workloads: [{ name: 'busy', kind: 'script', module: './busy.mjs', count: 10 }],
        load: { stages: [{ duration: '1s', rate: 50 }], lateMs: 5 },
      },
      { 'busy.mjs': job },
    );
    expect(r.arrivals.sent).toBe(50);
    expect(r.arrivals.late).toBeGreaterThan(30);
    // The last arrivals went about 50 × 10 ms behind their time, and their latency says so.
    expect(r.latencyMs.max).toBeGreaterThan(300);
    expect(r.elapsedSeconds).toBeGreaterThan(1.4);
  }, 60_000);

  it('operations waiting out a long Retry-After at the end are cancelled after gracefulStop, counted as interrupted', async () => {
    const started = Date.now();
    const r = await runLoad({
      name: 'graceful',
      // 20 requests per 5 minutes: the 21st is told to retry in minutes.
      mock: { profile: 'zero', limits: { requestsPerWindow: 20, evaluationIntervalSeconds: 0 } },
      data: { account: 50 },
      workloads: [READS],
      load: { stages: [{ duration: '1s', rate: 40 }], gracefulStop: '1s' },
    });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.arrivals.sent).toBe(40);
    // The run's own set-up requests (WhoAmI, reading the records) spend some of the 20.
    expect(r.operations).toBeGreaterThanOrEqual(15);
    expect(r.operations).toBeLessThan(20);
    expect(r.arrivals.interrupted).toBe(40 - r.operations);
    expect(r.failed).toBe(0);
    expect(r.throttledByCode['0x80072322']).toBeGreaterThanOrEqual(1);
    expect(r.verdict.status).toBe('failed');
    expect(r.verdict.reasons.join()).toContain(
      `0 of 40 operations failed and ${40 - r.operations} cancelled unanswered at the graceful stop`,
    );
  }, 60_000);

  it('abortOnFail stops the run at the first window lost: exit 1, partial series kept, the objective named', async () => {
    const dir = await tempDir('dvbench-load-');
    const path = await scenarioFile(dir, {
      name: 'abort',
      mock: { latency: { default: { baseMs: 20, distribution: 'none' } } },
      data: { account: 20 },
      workloads: [{ ...READS, count: 20 }],
      load: {
        stages: [{ duration: '20s', rate: 20 }],
        slos: [{ metric: 'p95', op: '<', value: 5, window: '1s' }],
        abortOnFail: true,
      },
    });
    const started = Date.now();
    const cli = await runCli(['run', path, '--out', join(dir, 'out')], { timeoutMs: 30_000 });
    expect(cli.code, cli.stderr).toBe(1);
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(cli.stderr).toContain('objective missed: p95 < 5 (1s windows) in 0.0–1.0 s');
    expect(cli.stdout).toContain('Verdict: FAILED');
    const results = JSON.parse(await readFile(join(dir, 'out', 'results.json'), 'utf8')) as LoadResults;
    expect(results.kind).toBe('load');
    expect(results.partial).toBe(false);
    expect(results.stoppedEarly).toBe('objective lost: p95 < 5 (1s windows)');
    expect(results.arrivals.due).toBeLessThan(200);
    expect(results.slos[0]?.windows[0]).toMatchObject({ from: 0, to: 1, ok: false });
    const junit = await readFile(join(dir, 'out', 'junit.xml'), 'utf8');
    expect(junit).toContain('name="objective: p95 &lt; 5 (1s windows)"><failure');
    expect((await readFile(join(dir, 'out', 'load.png'))).subarray(1, 4).toString()).toBe('PNG');
    // load.html: the same verdict, self-contained (the chart inlined).
    const html = await readFile(join(dir, 'out', 'load.html'), 'utf8');
    expect(html).toContain(
      '<p class="verdict v-failed"><strong>Verdict: FAILED</strong>: objective missed: p95 &lt; 5 (1s windows)',
    );
    // Both charts inlined: the load over time, and CPU and memory over time.
    expect(html.match(/src="data:image\/png;base64,/g)).toHaveLength(2);
    expect((await readFile(join(dir, 'out', 'load-resources.png'))).subarray(1, 4).toString()).toBe('PNG');
    expect(html).not.toMatch(/(?:src|href)="(?!data:)/);
  }, 60_000);

  it('against an org a load test reads and updates its own data only: creates are refused before anything is sent (exit 2), dry run included', async () => {
    const dir = await tempDir('dvbench-load-');
    const path = await scenarioFile(dir, {
      name: 'org-writes',
      data: { account: 5 },
      workloads: [{ name: 'writes', kind: 'update', table: 'account', count: 5, set: { telephone1: 'x' } }],
      load: { stages: [{ duration: '1s', rate: 1 }] },
    });
    const unconfirmed = await runCli(['run', path, '--dry-run', '--target', 'http://127.0.0.1:9']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain("this scenario creates the scenario's data (5 record(s))");
    expect(unconfirmed.stderr).not.toMatch(/\n\s+at /);
    const cli = await runCli(['run', path, '--dry-run', '--target', 'http://127.0.0.1:9', '--allow-writes']);
    expect(cli.code, cli.stderr).toBe(0);
    const reads = await scenarioFile(dir, {
      name: 'org-reads',
      workloads: [{ name: 'new', kind: 'insert', table: 'account', count: 5, values: { name: 'x' } }],
      load: { stages: [{ duration: '1s', rate: 1 }] },
    });
    const inserts = await runCli(['run', reads, '--dry-run', '--target', 'http://127.0.0.1:9', '--allow-writes']);
    expect(inserts.code).toBe(2);
    expect(inserts.stderr).toContain(
      'a load test against a real org runs read and update workloads only (found insert)',
    );
  }, 30_000);
});
