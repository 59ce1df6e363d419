import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { LoadRun } from '../../src/load/LoadRun.js';
import type { LoadResults } from '../../src/load/LoadResults.js';
import { writeLoadReports } from '../../src/report/load/writeLoadReports.js';
import { loadScenario } from '../../src/scenario/loadScenario.js';
import { runCli } from '../helpers/runCli.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

/**
 * 20 arrivals/s for 6 s into an org of four servers whose reads take about 100 ms (lognormal,
 * 105 ms with the round trip): half busy, so requests queue now and then. At ×5 a read waits
 * 21 ms real, well above the harness's jitter (see chooseLoadTimeScale).
 */
function scenario(timeScale: number): Record<string, unknown> {
  return {
    name: `load-x${timeScale}`,
    seed: 5,
    mock: {
      timeScale,
      latency: { default: { baseMs: 100 }, roundTripMs: 5 },
      capacity: 4,
    },
    data: { account: 50 },
    workloads: [{ name: 'reads', kind: 'read', table: 'account', mode: 'retrieve', count: 50 }],
    load: {
      stages: [{ duration: '6s', rate: 20 }],
      interval: '1s',
      slos: [{ metric: 'p95', op: '<', value: 2000, window: '2s' }],
    },
  };
}

async function runLoad(timeScale: number): Promise<{ results: LoadResults; realMs: number; dir: string }> {
  const dir = await tempDir('dvbench-load-compressed-');
  const path = join(dir, 'load.yaml');
  await writeFile(path, stringify(scenario(timeScale)));
  const started = performance.now();
  const results = await new LoadRun(await loadScenario(path), {
    outDir: join(dir, 'out'),
    target: { kind: 'mock' },
  }).run();
  return { results, realMs: performance.now() - started, dir };
}

describe('a time-compressed load test', () => {
  it("gives the org's figures of a load test run in real time, in a fraction of its time", async () => {
    const real = await runLoad(1);
    const compressed = await runLoad(5);
    const [r, c] = [real.results, compressed.results];
    expect(r.timeScale).toBe(1);
    expect(c.timeScale).toBe(5);
    // The same schedule: every arrival planned, due and sent, in the org's time.
    expect(c.arrivals).toMatchObject({ planned: 120, due: 120, sent: 120, dropped: 0 });
    expect(r.arrivals).toMatchObject({ planned: 120, due: 120, sent: 120, dropped: 0 });
    expect(c.operations).toBe(120);
    expect(c.failed).toBe(0);
    expect(c.plannedSeconds).toBe(6);
    expect(c.elapsedSeconds).toBeGreaterThan(6);
    expect(c.elapsedSeconds).toBeLessThan(r.elapsedSeconds * 1.2);
    expect(c.realSeconds).toBeCloseTo(c.elapsedSeconds / 5, 3);
    expect(compressed.realMs).toBeLessThan(real.realMs / 2);
    // The org's latencies: the mock's waits counted in the org's time.
    expect(c.latencyMs.p50 / r.latencyMs.p50).toBeGreaterThan(0.85);
    expect(c.latencyMs.p50 / r.latencyMs.p50).toBeLessThan(1.15);
    expect(c.latencyMs.p50).toBeGreaterThan(60);
    expect(c.latencyMs.p95 / r.latencyMs.p95).toBeGreaterThan(0.8);
    expect(c.latencyMs.p95 / r.latencyMs.p95).toBeLessThan(1.25);
    // A series point per org second, each at about 20/s.
    const inner = c.series.filter((p) => p.t >= 0.9 && p.t < 5.1);
    expect(inner.length).toBeGreaterThanOrEqual(4);
    for (const p of inner) expect(p.targetRate).toBeCloseTo(20, 0);
    // The same three whole 2 s windows in the org's time; the drain after the last arrival may
    // add a short fourth to either run, by however long its last answers took.
    const whole = (res: LoadResults): number =>
      res.slos[0]?.windows.filter((w) => Math.abs(w.to - w.from - 2) < 1e-6).length ?? 0;
    expect(whole(c)).toBe(3);
    expect(whole(r)).toBe(3);
    expect(c.slos[0]?.windows.length).toBeLessThanOrEqual(4);
    // Every output says so.
    const outDir = join(compressed.dir, 'out');
    await writeLoadReports(outDir, c);
    expect(await readFile(join(outDir, 'load.md'), 'utf8')).toContain('time-compressed ×5: ');
    expect(await readFile(join(outDir, 'junit.xml'), 'utf8')).toContain(
      '<property name="dvbench.timeScale" value="5"/>',
    );
    expect(await readFile(join(real.dir, 'out', 'results.json'), 'utf8')).toContain('"timeScale": 1');
  }, 60_000);

  it('--time-scale auto picks a scale for a load test by its peak rate, and says why', async () => {
    const dir = await tempDir('dvbench-load-auto-');
    const path = join(dir, 'load.yaml');
    await writeFile(path, stringify(scenario(1)));
    const cli = await runCli(['run', path, '--time-scale', 'auto', '--out', join(dir, 'out'), '--quiet']);
    expect(cli.stderr).toMatch(/--time-scale auto chose ×(\d+): /);
    const chosen = Number(/chose ×(\d+)/.exec(cli.stderr)?.[1]);
    expect(chosen).toBeGreaterThan(1);
    const results = JSON.parse(await readFile(join(dir, 'out', 'results.json'), 'utf8')) as LoadResults;
    expect(results.timeScale).toBe(chosen);
    expect(results.arrivals.sent).toBe(120);
  }, 60_000);
});
