import type { RunResults } from '../runner/RunResults.js';

/**
 * github-action-benchmark's "customSmallerIsBetter" and "customBiggerIsBetter" JSON: `[{ name,
 * unit, value, range }]`.
 */
export function githubActionBenchmark(results: RunResults): { smallerIsBetter: unknown[]; biggerIsBetter: unknown[] } {
  const smaller: unknown[] = [];
  const bigger: unknown[] = [];
  for (const s of results.strategies) {
    const half = (s.wallMs.ci95[1] - s.wallMs.ci95[0]) / 2;
    smaller.push({
      name: `${results.scenario.name} ${s.name} wall time`,
      unit: 'ms',
      value: Number(s.wallMs.mean.toFixed(3)),
      range: `±${half.toFixed(3)}`,
    });
    smaller.push({ name: `${results.scenario.name} ${s.name} p95 latency`, unit: 'ms', value: s.latencyMs.p95 });
    bigger.push({
      name: `${results.scenario.name} ${s.name} throughput`,
      unit: 'ops/s',
      value: Number(s.throughput.opsPerSec.toFixed(3)),
    });
  }
  return { smallerIsBetter: smaller, biggerIsBetter: bigger };
}

/** Bencher Metric Format: `{ benchmark: { measure: { value, lower_value, upper_value } } }`; latency in nanoseconds. */
export function bencherMetricFormat(
  results: RunResults,
): Record<string, Record<string, { value: number; lower_value?: number; upper_value?: number }>> {
  const out: Record<string, Record<string, { value: number; lower_value?: number; upper_value?: number }>> = {};
  for (const s of results.strategies) {
    out[`${results.scenario.name}/${s.name}`] = {
      latency: {
        value: Math.round(s.wallMs.mean * 1e6),
        lower_value: Math.round(s.wallMs.ci95[0] * 1e6),
        upper_value: Math.round(s.wallMs.ci95[1] * 1e6),
      },
      throughput: { value: Number(s.throughput.opsPerSec.toFixed(3)) },
    };
  }
  return out;
}
