import { formatWithInterval } from '../metrics/predictionInterval.js';
import type { StrategyResult } from '../runner/RunResults.js';

/** A figure to `digits` places, or a dash where there is none. */
export const fixed = (n: number | null, digits = 2): string =>
  n === null || !Number.isFinite(n) ? '–' : n.toFixed(digits);

/** The name, marked when the strategy did not finish. */
export function nameCell(s: StrategyResult): string {
  return s.name + (s.complete ? '' : ' (partial)');
}

/**
 * The measured columns the terminal table and the reports both show, in this order: speedup,
 * efficiency, ops/s (with its 90% interval on a calibrated profile), p50, p95 and p99 ms,
 * failed operations.
 */
export function measuredCells(s: StrategyResult): string[] {
  return [
    s.speedup === null ? '–' : `${fixed(s.speedup)}×`,
    fixed(s.efficiency),
    formatWithInterval(s.throughput.opsPerSec, s.throughput.interval),
    fixed(s.latencyMs.p50, 1),
    fixed(s.latencyMs.p95, 1),
    fixed(s.latencyMs.p99, 1),
    String(s.errors.total),
  ];
}
