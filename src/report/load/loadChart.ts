import type { ChartConfiguration, Plugin } from 'chart.js';
import type { LoadResults } from '../../load/LoadResults.js';
import { durationMs } from '../../scenario/loadSchema.js';
import { renderChart } from '../charts/renderChart.js';

/** The part of a 2D context the stage-line plugin uses. */
interface LineContext {
  save(): void;
  restore(): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  stroke(): void;
  setLineDash(segments: number[]): void;
  strokeStyle: string;
  lineWidth: number;
}

/** Dashed vertical lines where each stage begins. */
function stageLines(boundaries: readonly number[]): Plugin<'line'> {
  return {
    id: 'dvbenchStageLines',
    afterDraw(chart): void {
      const ctx = (chart as unknown as { ctx: LineContext }).ctx;
      const x = chart.scales.x;
      const { top, bottom } = chart.chartArea;
      if (x === undefined) return;
      ctx.save();
      ctx.setLineDash([6, 6]);
      ctx.strokeStyle = '#888888';
      ctx.lineWidth = 1;
      for (const b of boundaries) {
        const px = x.getPixelForValue(b);
        ctx.beginPath();
        ctx.moveTo(px, top);
        ctx.lineTo(px, bottom);
        ctx.stroke();
      }
      ctx.restore();
    },
  };
}

/**
 * The load over time: planned and achieved rate and 429s (left axis), p95 and p99 latency
 * from the intended start (right axis), stage boundaries dashed. The knee shows where achieved
 * stops following planned and latency leaves the floor.
 */
export function loadChart(results: LoadResults): Buffer | undefined {
  const points = results.series;
  const xy = (f: (p: (typeof points)[number]) => number): { x: number; y: number }[] =>
    points.map((p) => ({ x: p.t, y: f(p) }));
  const seconds = durationMs(results.load.interval) / 1000;
  const config: ChartConfiguration<'line', { x: number; y: number }[]> = {
    type: 'line',
    data: {
      datasets: [
        {
          label: 'planned ops/s',
          data: xy((p) => p.targetRate),
          borderColor: '#999999',
          borderDash: [4, 4],
          yAxisID: 'rate',
          pointRadius: 0,
        },
        {
          label: 'achieved ops/s',
          data: xy((p) => p.opsPerSec),
          borderColor: '#1f77b4',
          yAxisID: 'rate',
          pointRadius: 0,
        },
        {
          label: '429s/s',
          data: xy((p) => Object.values(p.throttledByCode).reduce((a, b) => a + b, 0) / seconds),
          borderColor: '#d62728',
          yAxisID: 'rate',
          pointRadius: 0,
        },
        {
          label: 'dropped/s',
          data: xy((p) => p.dropped / seconds),
          borderColor: '#9467bd',
          yAxisID: 'rate',
          pointRadius: 0,
        },
        { label: 'p95 ms', data: xy((p) => p.p95), borderColor: '#ff7f0e', yAxisID: 'latency', pointRadius: 0 },
        { label: 'p99 ms', data: xy((p) => p.p99), borderColor: '#2ca02c', yAxisID: 'latency', pointRadius: 0 },
      ],
    },
    options: {
      plugins: {
        title: { display: true, text: `${results.scenarioName}: load over time (stages dashed)` },
        legend: { position: 'bottom' },
      },
      scales: {
        x: { type: 'linear', title: { display: true, text: 's from start' } },
        rate: { type: 'linear', position: 'left', beginAtZero: true, title: { display: true, text: 'per second' } },
        latency: {
          type: 'linear',
          position: 'right',
          beginAtZero: true,
          grid: { drawOnChartArea: false },
          title: { display: true, text: 'latency from intended start, ms' },
        },
      },
    },
    plugins: [stageLines(results.stageBoundaries)],
  };
  return renderChart(config);
}

/**
 * The machine's side of a load test over time: client CPU (all its threads) and the embedded
 * mock's, in % of one core (left), and their resident memory (right). A generator at 100% CPU
 * sets the pace itself; memory that climbs through constant stages is a leak (see Soak).
 */
export function loadResourcesChart(results: LoadResults): Buffer | undefined {
  const points = results.series;
  const xy = (f: (p: (typeof points)[number]) => number | null): { x: number; y: number }[] =>
    points.flatMap((p) => {
      const y = f(p);
      return y === null ? [] : [{ x: p.t, y }];
    });
  const onMock = points.some((p) => p.serverCpuPercent !== null);
  const config: ChartConfiguration<'line', { x: number; y: number }[]> = {
    type: 'line',
    data: {
      datasets: [
        {
          label: 'client CPU %',
          data: xy((p) => p.clientCpuPercent),
          borderColor: '#1f77b4',
          yAxisID: 'cpu',
          pointRadius: 0,
        },
        ...(onMock
          ? [
              {
                label: 'mock CPU %',
                data: xy((p) => p.serverCpuPercent),
                borderColor: '#ff7f0e',
                yAxisID: 'cpu',
                pointRadius: 0,
              },
            ]
          : []),
        {
          label: 'client RSS MB',
          data: xy((p) => p.clientRssMb),
          borderColor: '#1f77b4',
          borderDash: [6, 4],
          yAxisID: 'memory',
          pointRadius: 0,
        },
        ...(onMock
          ? [
              {
                label: 'mock RSS MB',
                data: xy((p) => p.serverRssMb),
                borderColor: '#ff7f0e',
                borderDash: [6, 4],
                yAxisID: 'memory',
                pointRadius: 0,
              },
            ]
          : []),
      ],
    },
    options: {
      plugins: {
        title: { display: true, text: `${results.scenarioName}: CPU and memory over time (stages dashed)` },
        legend: { position: 'bottom' },
      },
      scales: {
        x: { type: 'linear', title: { display: true, text: 's from start' } },
        cpu: {
          type: 'linear',
          position: 'left',
          beginAtZero: true,
          title: { display: true, text: 'CPU, % of one core' },
        },
        memory: {
          type: 'linear',
          position: 'right',
          beginAtZero: true,
          grid: { drawOnChartArea: false },
          title: { display: true, text: 'resident memory, MB' },
        },
      },
    },
    plugins: [stageLines(results.stageBoundaries)],
  };
  return renderChart(config);
}
