/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom; 1.96 beyond. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tCritical975(df: number): number {
  return df < 1 ? Number.NaN : (T975[df - 1] ?? 1.96);
}

/** Two-sided 90% (one-sided 95%) quantiles of Student's t for 1..30 degrees of freedom; 1.645 beyond. */
const T95 = [
  6.314, 2.92, 2.353, 2.132, 2.015, 1.943, 1.895, 1.86, 1.833, 1.812, 1.796, 1.782, 1.771, 1.761, 1.753, 1.746, 1.74,
  1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697,
];

export function tCritical95(df: number): number {
  return df < 1 ? Number.NaN : (T95[df - 1] ?? 1.645);
}

/** The q-quantile (0..1) of the values, by linear interpolation between order statistics. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const low = sorted[lo] ?? Number.NaN;
  return low + ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? low) - low) * (at - lo);
}

export function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : sum(xs) / xs.length;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** Sample variance (n − 1). */
export function variance(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
}

/**
 * Draws needed for the mean of values like `xs` to have a standard error of `precision` of it:
 * (cv ÷ precision)². 0 when there are fewer than three or their mean is not positive.
 */
export function drawsForPrecision(xs: readonly number[], precision: number): number {
  const m = mean(xs);
  if (xs.length < 3 || !(m > 0)) return 0;
  return Math.ceil((Math.sqrt(variance(xs)) / m / precision) ** 2);
}

export interface Summary {
  readonly mean: number;
  readonly median: number;
  readonly stddev: number;
  /** 95% confidence interval of the mean, from Student's t; equal bounds with one sample. */
  readonly ci95: readonly [number, number];
  readonly n: number;
}

export function summarize(xs: readonly number[]): Summary {
  // No sample: zeros with n = 0, never NaN (which JSON writes as null).
  if (xs.length === 0) return { mean: 0, median: 0, stddev: 0, ci95: [0, 0], n: 0 };
  const m = mean(xs);
  const sd = Math.sqrt(variance(xs));
  const half = xs.length < 2 ? 0 : (tCritical975(xs.length - 1) * sd) / Math.sqrt(xs.length);
  return { mean: m, median: median(xs), stddev: sd, ci95: [m - half, m + half], n: xs.length };
}
