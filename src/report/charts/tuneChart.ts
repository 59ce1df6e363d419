import type { ChartConfiguration } from 'chart.js';
import { boundThroughput } from '../../metrics/fitScaling.js';
import { uslThroughput } from '../../metrics/fitUsl.js';
import type { TuneResult } from '../../runner/WorkerTuner.js';
import { renderChart } from './renderChart.js';

/** The chosen model's curve over `xs`, labelled with its parameters and knee. */
function modelCurve(
  scaling: TuneResult['scaling'],
  xs: readonly number[],
): { label: string; curve: { x: number; y: number }[] } | undefined {
  if (scaling === null) return undefined;
  const knee = Number.isFinite(scaling.knee) ? `, knee ≈ ${scaling.knee.toFixed(1)}` : '';
  if (scaling.model === 'bound') {
    const { bound } = scaling;
    return {
      label: `capacity bound (${bound.capacity.toFixed(1)} ops/s, R² ${bound.r2.toFixed(2)}${knee})`,
      curve: xs.map((n) => ({ x: n, y: boundThroughput(bound, n) })),
    };
  }
  const usl = scaling.usl;
  if (usl === null) return undefined;
  return {
    label: `USL fit (σ ${usl.sigma.toFixed(3)}, κ ${usl.kappa.toFixed(4)}, R² ${usl.r2.toFixed(2)}${knee})`,
    curve: xs.map((n) => ({ x: n, y: uslThroughput(usl, n) })),
  };
}

/** Measured throughput per worker count, the better-fitting model's curve, and the recommendation. */
export function renderTuneChart(tune: TuneResult): Buffer | undefined {
  const maxN = Math.max(...tune.points.map((p) => p.workers), 1);
  const { scaling } = tune;
  const xs = Array.from({ length: 60 }, (_, i) => 1 + ((maxN * 1.25 - 1) * i) / 59);
  const model = modelCurve(scaling, xs);
  const rec = tune.points.find((p) => p.workers === tune.recommendedWorkers);
  const config: ChartConfiguration = {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: 'measured',
          data: tune.points.map((p) => ({ x: p.workers, y: p.opsPerSec })),
          backgroundColor: '#1f77b4',
          pointRadius: 8,
        },
        ...(model === undefined
          ? []
          : [
              {
                type: 'line' as const,
                label: model.label,
                data: model.curve,
                borderColor: '#ff7f0e',
                borderWidth: 3,
                pointRadius: 0,
              },
            ]),
        ...(rec === undefined
          ? []
          : [
              {
                label: `recommended: ${rec.workers} workers`,
                data: [{ x: rec.workers, y: rec.opsPerSec }],
                backgroundColor: '#2ca02c',
                pointStyle: 'star',
                pointRadius: 16,
                borderColor: '#2ca02c',
                borderWidth: 3,
              },
            ]),
        ...tune.points
          .filter((p) => p.throttled > 0)
          .map((p) => ({
            label: `429s at ${p.workers}`,
            data: [{ x: p.workers, y: p.opsPerSec }],
            backgroundColor: '#d62728',
            pointStyle: 'crossRot',
            pointRadius: 12,
            borderColor: '#d62728',
            borderWidth: 3,
          })),
      ],
    },
    options: {
      plugins: {
        title: { display: true, text: `How many workers? ${tune.scenario}`, font: { size: 24, weight: 'bold' } },
        subtitle: { display: true, text: tune.stoppedBecause, font: { size: 16 } },
        legend: { labels: { font: { size: 16 } } },
      },
      scales: {
        x: {
          type: 'linear',
          min: 0,
          title: { display: true, text: 'workers (concurrent operations)', font: { size: 18 } },
        },
        y: {
          beginAtZero: true,
          title: { display: true, text: 'throughput (operations per second)', font: { size: 18 } },
        },
      },
    },
  };
  return renderChart(config);
}
