import { tCritical95 } from './statistics.js';

/** What a calibration says of its predictions' spread (a profile's `uncertainty`). */
export interface LogSpread {
  readonly predictionLogSd: number;
  readonly degreesOfFreedom: number;
}

/**
 * The 90% interval around a predicted figure: errors are taken as normal in ln(predicted ÷
 * measured), with the spread the calibration's held-out strategies showed; Student's t on as
 * many degrees of freedom as there were strategies widens it for the few it was estimated from.
 */
export function predictionInterval(predicted: number, spread: LogSpread): { low: number; high: number } {
  const half = tCritical95(Math.max(1, spread.degreesOfFreedom)) * spread.predictionLogSd;
  return { low: predicted * Math.exp(-half), high: predicted * Math.exp(half) };
}

/** `23.1 (21.4–24.9)`: a figure with its interval, to `digits` places. */
export function formatWithInterval(
  value: number,
  interval: { low: number; high: number } | undefined,
  digits = 1,
): string {
  const f = (x: number): string => x.toFixed(digits);
  return interval === undefined ? f(value) : `${f(value)} (${f(interval.low)}–${f(interval.high)})`;
}
