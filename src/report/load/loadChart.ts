import type { ChartConfiguration, Plugin } from 'chart.js';
import { formatTimeScale } from '../timeCompressionNote.js';
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

type Point = LoadResults['series'][number];
type Xy = { x: number; y: number }[];

interface Line {
  readonly label: string;
  readonly data: Xy;
  readonly borderColor: string;
  readonly borderDash: number[];
  readonly yAxisID: string;
  readonly pointRadius: 0;
}

/** Draws one measure of the series as a line on an axis, skipping points that have none. */
function linesOf(points: readonly Point[]) {
  return (label: string, borderColor: string, yAxisID: string, f: (p: Point) => number | null): Line => ({
    label,
    data: points.flatMap((p) => {
      const y = f(p);
      return y === null ? [] : [{ x: p.t, y }];
    }),
    borderColor,
    borderDash: [],
    yAxisID,
    pointRadius: 0,
  });
}

const dashed = (line: Line, borderDash: number[]): Line => ({ ...line, borderDash });

/** A y axis: its id, and its title. */
type Axis = readonly [id: string, title: string];

/** A chart over the test's time, one y axis each side (the right one without grid), stage boundaries dashed. */
function overTime(results: LoadResults, what: string, datasets: Line[], [left, right]: readonly [Axis, Axis]) {
  const axis = ([, text]: Axis) => ({ type: 'linear' as const, beginAtZero: true, title: { display: true, text } });
  const config: ChartConfiguration<'line', Xy> = {
    type: 'line',
    data: { datasets },
    options: {
      plugins: {
        title: {
          display: true,
          text:
            `${results.scenarioName}: ${what} (stages dashed` +
            `${results.timeScale === 1 ? '' : `; time-compressed ${formatTimeScale(results.timeScale)}, the org's time`})`,
        },
        legend: { position: 'bottom' },
      },
      scales: {
        x: { type: 'linear', title: { display: true, text: 's from start' } },
        [left[0]]: { ...axis(left), position: 'left' },
        [right[0]]: { ...axis(right), position: 'right', grid: { drawOnChartArea: false } },
      },
    },
    plugins: [stageLines(results.stageBoundaries)],
  };
  return renderChart(config);
}

/**
 * The load over time: planned and achieved rate and 429s (left axis), p95 and p99 latency
 * from the intended start (right axis), stage boundaries dashed. The knee shows where achieved
 * stops following planned and latency leaves the floor.
 */
export function loadChart(results: LoadResults): Buffer | undefined {
  const line = linesOf(results.series);
  const seconds = durationMs(results.load.interval) / 1000;
  const throttled = (p: Point): number => Object.values(p.throttledByCode).reduce((a, b) => a + b, 0) / seconds;
  const datasets = [
    dashed(
      line('planned ops/s', '#999999', 'rate', (p) => p.targetRate),
      [4, 4],
    ),
    line('achieved ops/s', '#1f77b4', 'rate', (p) => p.opsPerSec),
    line('429s/s', '#d62728', 'rate', throttled),
    line('dropped/s', '#9467bd', 'rate', (p) => p.dropped / seconds),
    line('p95 ms', '#ff7f0e', 'latency', (p) => p.p95),
    line('p99 ms', '#2ca02c', 'latency', (p) => p.p99),
  ];
  return overTime(results, 'load over time', datasets, [
    ['rate', 'per second'],
    ['latency', 'latency from intended start, ms'],
  ]);
}

/**
 * The machine's side of a load test over time: client CPU (all its threads) and the embedded
 * mock's, in % of one core (left), and their resident memory (right). A generator at 100% CPU
 * sets the pace itself; memory that climbs through constant stages is a leak (see Soak).
 */
export function loadResourcesChart(results: LoadResults): Buffer | undefined {
  const line = linesOf(results.series);
  const onMock = results.series.some((p) => p.serverCpuPercent !== null);
  const datasets = [
    line('client CPU %', '#1f77b4', 'cpu', (p) => p.clientCpuPercent),
    line('mock CPU %', '#ff7f0e', 'cpu', (p) => p.serverCpuPercent),
    dashed(
      line('client RSS MB', '#1f77b4', 'memory', (p) => p.clientRssMb),
      [6, 4],
    ),
    dashed(
      line('mock RSS MB', '#ff7f0e', 'memory', (p) => p.serverRssMb),
      [6, 4],
    ),
  ].filter((l) => onMock || !l.label.startsWith('mock'));
  return overTime(results, 'CPU and memory over time', datasets, [
    ['cpu', 'CPU, % of one core'],
    ['memory', 'resident memory, MB'],
  ]);
}
