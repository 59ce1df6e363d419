import type { ChartConfiguration, ChartDataset } from 'chart.js';
import { formatTimeScale } from '../timeCompressionNote.js';
import type { RunResults, StrategyResult } from '../../runner/RunResults.js';
import { descriptorForKind } from '../../strategies/descriptorOf.js';
import { strategyKinds } from '../../strategies/strategyKinds.js';
import { renderChart } from './renderChart.js';

export interface RenderedChart {
  readonly file: string;
  readonly title: string;
  readonly png: Buffer;
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

function axis(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: { display: true, text: title, font: { size: 18 } }, ticks: { font: { size: 16 } }, ...extra };
}

/** Charts carry the compression in their subtitle: a PNG travels without its report. */
function compressedSuffix(results: RunResults): string {
  return results.timeScale === 1 ? '' : ` (time-compressed ${formatTimeScale(results.timeScale)}, org time)`;
}

function titled(text: string, subtitle: string): Record<string, unknown> {
  return {
    title: { display: true, text, font: { size: 24, weight: 'bold' } },
    subtitle: { display: true, text: subtitle, font: { size: 16 } },
    legend: { labels: { font: { size: 16 } } },
  };
}

const isBaseline = (s: StrategyResult): boolean => descriptorForKind(s.kind)?.baseline === true;

/**
 * Strategies drawn by worker count (their descriptors say which), a line per kind from the
 * sequential baseline as one worker.
 */
function byWorkers(results: RunResults): { kind: string; points: StrategyResult[] }[] {
  const seq = results.strategies.find(isBaseline);
  return strategyKinds
    .filter((d) => d.baseline !== true && d.chartFamily === 'workers')
    .map(({ kind }) => ({
      kind,
      points: [...(seq === undefined ? [] : [seq]), ...results.strategies.filter((s) => s.kind === kind)].sort(
        (a, b) => a.workers - b.workers,
      ),
    }))
    .filter((f) => f.points.some((p) => !isBaseline(p)));
}

function workersChart(
  results: RunResults,
  value: (s: StrategyResult) => number | null,
  title: string,
  yTitle: string,
  ideal: boolean,
): ChartConfiguration | undefined {
  const families = byWorkers(results);
  if (families.length === 0) return undefined;
  const maxWorkers = Math.max(...families.flatMap((f) => f.points.map((p) => p.workers)));
  const datasets: ChartDataset<'line', { x: number; y: number }[]>[] = families.map((f, i) => ({
    label: f.kind,
    data: f.points.map((p) => ({ x: p.workers, y: value(p) ?? 0 })),
    borderColor: PALETTE[i % PALETTE.length],
    backgroundColor: PALETTE[i % PALETTE.length],
    borderWidth: 3,
    pointRadius: 6,
  }));
  if (ideal) {
    datasets.push({
      label: 'ideal (linear)',
      data: [
        { x: 1, y: 1 },
        { x: maxWorkers, y: maxWorkers },
      ],
      borderColor: '#888888',
      borderDash: [8, 6],
      borderWidth: 2,
      pointRadius: 0,
    });
  }
  return {
    type: 'line',
    data: { datasets },
    options: {
      plugins: titled(
        title,
        `${results.scenario.name}: ${results.plan.operations} operations per repetition${compressedSuffix(results)}`,
      ),
      scales: {
        x: axis('workers (concurrent operations)', { type: 'linear', min: 1 }),
        y: axis(yTitle, { beginAtZero: true }),
      },
    },
  };
}

function barChart(
  results: RunResults,
  title: string,
  yTitle: string,
  series: { label: string; value: (s: StrategyResult) => number | null }[],
): ChartConfiguration {
  return {
    type: 'bar',
    data: {
      labels: results.strategies.map((s) => s.name),
      datasets: series.map((d, i) => ({
        label: d.label,
        data: results.strategies.map((s) => d.value(s) ?? 0),
        backgroundColor: PALETTE[i % PALETTE.length],
      })),
    },
    options: {
      plugins: titled(title, `${results.scenario.name}${compressedSuffix(results)}`),
      scales: { x: axis('strategy'), y: axis(yTitle, { beginAtZero: true }) },
    },
  };
}

function timelineChart(results: RunResults): ChartConfiguration | undefined {
  const withData = results.strategies.filter((s) => s.timeline.length > 0);
  if (withData.length === 0) return undefined;
  const datasets: ChartDataset<'line' | 'scatter', { x: number; y: number }[]>[] = withData.map((s, i) => ({
    type: 'line' as const,
    label: `${s.name} ops/s`,
    data: s.timeline.map((p) => ({ x: p.t, y: p.opsPerSec })),
    borderColor: PALETTE[i % PALETTE.length],
    backgroundColor: PALETTE[i % PALETTE.length],
    borderWidth: 2,
    pointRadius: 0,
  }));
  const throttled = withData.flatMap((s) =>
    s.timeline.filter((p) => p.throttled > 0).map((p) => ({ x: p.t, y: p.opsPerSec })),
  );
  if (throttled.length > 0) {
    datasets.push({
      type: 'scatter' as const,
      label: '429 received',
      data: throttled,
      borderColor: '#d62728',
      backgroundColor: '#d62728',
      pointStyle: 'crossRot',
      pointRadius: 9,
      borderWidth: 3,
    });
  }
  return {
    type: 'line',
    data: { datasets },
    options: {
      plugins: titled(
        'Throughput over time (last repetition)',
        `${results.scenario.name}: 250 ms buckets; crosses mark buckets with 429 responses`,
      ),
      scales: {
        x: axis('time since start (s)', { type: 'linear', min: 0 }),
        y: axis('operations per second', { beginAtZero: true }),
      },
    },
  };
}

/**
 * The report's charts: speedup and throughput vs workers (with the ideal line), throughput of
 * every strategy side by side, latency
 * percentiles, client and server CPU and memory, and throughput over time with 429s marked.
 * Charts that have nothing to show for this run (e.g. no pools) are left out.
 */
export function buildCharts(all: RunResults): RenderedChart[] {
  // A failed strategy's figures measure its errors, not its speed: it is not drawn.
  const results: RunResults = { ...all, strategies: all.strategies.filter((s) => s.verdict.status !== 'failed') };
  if (results.strategies.length === 0) return [];
  const specs: [string, string, ChartConfiguration | undefined][] = [
    [
      'speedup-vs-workers.png',
      'Speedup vs workers',
      workersChart(results, (s) => s.speedup, 'Speedup vs workers', 'speedup over sequential (×)', true),
    ],
    [
      'throughput-vs-workers.png',
      'Throughput vs workers',
      workersChart(results, (s) => s.throughput.opsPerSec, 'Throughput vs workers', 'operations per second', false),
    ],
    [
      // Every strategy side by side, batch and bulk included: the chart that answers "batch or bulk?".
      'throughput-by-strategy.png',
      'Throughput by strategy',
      barChart(results, 'Throughput per strategy', 'operations per second', [
        { label: 'operations/s', value: (s) => s.throughput.opsPerSec },
      ]),
    ],
    [
      'latency-percentiles.png',
      'Latency percentiles',
      barChart(results, 'Latency percentiles per strategy', 'response time per request (ms)', [
        { label: 'p50', value: (s) => s.latencyMs.p50 },
        { label: 'p90', value: (s) => s.latencyMs.p90 },
        { label: 'p95', value: (s) => s.latencyMs.p95 },
        { label: 'p99', value: (s) => s.latencyMs.p99 },
      ]),
    ],
    [
      'cpu.png',
      'CPU',
      barChart(results, 'Client and server CPU per strategy', 'CPU (% of one core)', [
        { label: 'client (dvbench)', value: (s) => s.client.cpuPercent },
        { label: 'server (mock)', value: (s) => s.server?.cpuPercent ?? null },
      ]),
    ],
    [
      'memory.png',
      'Memory',
      barChart(results, 'Client and server peak memory per strategy', 'peak resident memory (MB)', [
        { label: 'client (dvbench)', value: (s) => s.client.peakRssBytes / 1e6 },
        { label: 'server (mock)', value: (s) => (s.server === null ? null : s.server.peakRssBytes / 1e6) },
      ]),
    ],
    ['throughput-over-time.png', 'Throughput over time', timelineChart(results)],
  ];
  return specs
    .filter((s): s is [string, string, ChartConfiguration] => s[2] !== undefined)
    .flatMap(([file, title, config]) => {
      const png = renderChart(config);
      return png === undefined ? [] : [{ file, title, png }];
    });
}
