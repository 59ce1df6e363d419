import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoadResults } from '../../src/load/LoadResults.js';
import type { SloResult } from '../../src/load/SloTracker.js';
import { renderLoadJunit, renderLoadMarkdown } from '../../src/report/load/renderLoadReports.js';
import { writeLoadReports } from '../../src/report/load/writeLoadReports.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();
const latency = { p50: 100, p90: 200, p95: 300, p99: 400, max: 500, mean: 150, count: 10 };

/** Eight windows of p95 < 1000: the first missed one is 1,058 ms, the worst 2,933 ms (the probe's case). */
const P95: SloResult = {
  name: 'p95 < 1000 (10s windows)',
  spec: { metric: 'p95', op: '<', value: 1000, window: '10s', after: 0 },
  ok: false,
  windows: [812, 1058, 940, 2933, 1500, 700, null, 1200].map((value, i) => ({
    from: i * 10,
    to: i * 10 + 10,
    value,
    ok: value !== null && value < 1000,
  })),
};

function results(slos: SloResult[]): LoadResults {
  return {
    scenarioName: 'probe',
    target: 'http://127.0.0.1:1/api/data/v9.2/',
    mockCosts: null,
    partial: false,
    stoppedEarly: null,
    verdict: { status: 'failed', reasons: [`objective missed: ${P95.name}`] },
    timeScale: 1,
    elapsedSeconds: 80,
    realSeconds: 80,
    plannedSeconds: 80,
    arrivals: { planned: 800, due: 800, sent: 800, dropped: 0, late: 0, interrupted: 0 },
    operations: 800,
    failed: 0,
    throttledOps: 7,
    throttledByCode: { '0x80072326': 5, '0x80072322': 2 },
    retries: 7,
    latencyMs: latency,
    byWorkload: [],
    errors: [],
    slos,
    soak: { clientRssMb: null, p95Ms: null },
    series: [],
    warnings: ['maxInFlight 60 is above the 52 requests one user may have in progress at once'],
  } as unknown as LoadResults;
}

describe('load reports', () => {
  const saved = process.env.GITHUB_STEP_SUMMARY;
  afterEach(() => {
    if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY;
    else process.env.GITHUB_STEP_SUMMARY = saved;
  });

  it('name the worst window (a window with nothing finished is worst), and say which windows the count counts', () => {
    const md = renderLoadMarkdown(results([P95]));
    expect(md).toContain(
      '| p95 < 1000 (10s windows) | **missed** | missed in 5 of 8 windows | 60.0–70.0 s: nothing finished |',
    );
    const finished = { ...P95, windows: P95.windows.filter((w) => w.value !== null) };
    expect(renderLoadMarkdown(results([finished]))).toContain('| missed in 4 of 7 windows | 30.0–40.0 s: 2933 |');
    const above: SloResult = {
      ...finished,
      name: 'opsPerSec > 50',
      spec: { ...P95.spec, metric: 'opsPerSec', op: '>', value: 50 },
      windows: [60, 12, 40, 55].map((value, i) => ({ from: i, to: i + 1, value, ok: value > 50 })),
    };
    expect(renderLoadJunit(results([above]))).toContain(
      'message="opsPerSec &gt; 50: missed in 2 of 4 windows; worst 1.0–2.0 s: 12"',
    );
  });

  it('say which limit the 429s came from, and the warnings given at the start', () => {
    const md = renderLoadMarkdown(results([P95]));
    expect(md).toContain('429s by limit: 5 × concurrent requests (0x80072326), 2 × number of requests (0x80072322).');
    expect(md).toContain('- maxInFlight 60 is above the 52 requests one user may have in progress at once');
  });

  it('write load.html beside load.md, and load.md to the GitHub step summary', async () => {
    const dir = await tempDir('dvbench-load-report-');
    const summary = join(dir, 'summary.md');
    process.env.GITHUB_STEP_SUMMARY = summary;
    const files = await writeLoadReports(dir, results([P95]));
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['load.md', 'load.html', 'junit.xml']);
    const html = await readFile(join(dir, 'load.html'), 'utf8');
    expect(html).toContain('<p class="verdict v-failed"><strong>Verdict: FAILED</strong>');
    expect(html).toContain('<td>missed in 5 of 8 windows</td>');
    expect(await readFile(summary, 'utf8')).toContain('# probe: load test');
  });
});
