import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { evaluateThresholds } from '../../src/runner/evaluateThresholds.js';
import { renderHtml } from '../../src/report/renderHtml.js';
import { renderJunit } from '../../src/report/renderJunit.js';
import { renderMarkdown } from '../../src/report/renderMarkdown.js';
import { bencherMetricFormat, githubActionBenchmark } from '../../src/report/trackerFormats.js';
import type { RunResults } from '../../src/runner/RunResults.js';

const fixture = async (name: string): Promise<string> =>
  readFile(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const results = async (): Promise<RunResults> => JSON.parse(await fixture('results.json')) as RunResults;
// Stand-ins for the PNGs: the charts' own rendering is tested in charts.test.ts.
const FAKE_CHARTS = [
  { file: 'speedup-vs-workers.png', title: 'Speedup vs workers', png: Buffer.from('speedup') },
  { file: 'latency-percentiles.png', title: 'Latency percentiles', png: Buffer.from('latency') },
];

describe('reports from a fixed results.json match the expected output', () => {
  it('report.md', async () => {
    const r = await results();
    expect(renderMarkdown(r, evaluateThresholds(r), FAKE_CHARTS)).toBe(await fixture('expected/report.md'));
  });

  it('report.html is self-contained (no external reference) and matches', async () => {
    const r = await results();
    const html = renderHtml(r, evaluateThresholds(r), FAKE_CHARTS);
    expect(html).toBe(await fixture('expected/report.html'));
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain(`src="data:image/png;base64,${Buffer.from('speedup').toString('base64')}"`);
  });

  it('junit.xml: one test case per threshold, failures carrying the measured value and the bound', async () => {
    const r = await results();
    const xml = renderJunit(r, evaluateThresholds(r));
    expect(xml).toBe(await fixture('expected/junit.xml'));
    expect(xml).toContain('tests="7" failures="2"');
    expect(xml).toContain('<testcase classname="dvbench.fixture" name="async:8: verdict"');
  });

  it('thresholds pass and fail as they should, naming the measured value and the bound', async () => {
    const r = await results();
    const outcomes = evaluateThresholds(r);
    const async8 = r.strategies.find((s) => s.name === 'async:8')!;
    expect(outcomes.map((o) => o.passed)).toEqual([async8.speedup! >= 2, false, true]);
    expect(outcomes[0]!.message).toBe(`speedup of async:8 = ${async8.speedup!.toFixed(2)}, needs >= 2`);
    expect(outcomes[2]!.message).toBe('errors of sequential = 0, needs == 0');
    const missing = evaluateThresholds({ ...r, strategies: r.strategies.filter((s) => s.name !== 'async:8') });
    expect(missing[0]).toMatchObject({ passed: false, actual: null });
    expect(missing[0]!.message).toContain('not measured (the strategy did not run)');
  });

  it("a scenario's or a server's text never becomes raw HTML in report.md", async () => {
    const r = await results();
    const hostile: RunResults = { ...r, scenario: { ...r.scenario, description: '<script>alert(1)</script> | pipes' } };
    const md = renderMarkdown(hostile, evaluateThresholds(hostile), []);
    expect(md).toContain('&lt;script>alert(1)&lt;/script> \\| pipes');
    expect(md).not.toContain('<script>');
  });

  it('emits github-action-benchmark and Bencher formats', async () => {
    const r = await results();
    const gab = githubActionBenchmark(r);
    expect(gab.smallerIsBetter).toContainEqual({
      name: 'fixture sequential wall time',
      unit: 'ms',
      value: Number(r.strategies[0]!.wallMs.mean.toFixed(3)),
      range: expect.stringMatching(/^±\d+\.\d{3}$/),
    });
    expect(gab.biggerIsBetter).toHaveLength(r.strategies.length);
    const bmf = bencherMetricFormat(r);
    expect(bmf['fixture/async:2']!.latency!.value).toBe(Math.round(r.strategies[1]!.wallMs.mean * 1e6));
    expect(bmf['fixture/async:2']!.throughput!.value).toBeGreaterThan(0);
  });
});
