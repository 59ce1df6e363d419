/** One measured point of a concurrency sweep. */
export interface SweepPoint {
  readonly workers: number;
  readonly throughput: number;
}

export interface UslFit {
  /** Throughput of one worker, in the unit of the points (ops/s). */
  readonly lambda: number;
  /** Contention: the share of work that serializes (Amdahl's fraction). */
  readonly sigma: number;
  /** Coherency: the cost of workers keeping each other consistent; makes throughput fall past the peak. */
  readonly kappa: number;
  /** Goodness of fit on the throughput itself. */
  readonly r2: number;
  /** Where the fitted curve peaks, √((1 − σ) / κ); Infinity when κ = 0. */
  readonly peakWorkers: number;
}

/** The Universal Scalability Law: X(N) = λN / (1 + σ(N − 1) + κN(N − 1)). */
export function uslThroughput(fit: Pick<UslFit, 'lambda' | 'sigma' | 'kappa'>, n: number): number {
  return (fit.lambda * n) / (1 + fit.sigma * (n - 1) + fit.kappa * n * (n - 1));
}

/** Least squares of y = a·x + b·x² through the origin, with a, b ≥ 0. */
function quadraticThroughOrigin(xs: readonly number[], ys: readonly number[]): [number, number] {
  let sxx = 0;
  let sxxx = 0;
  let sx4 = 0;
  let sxy = 0;
  let sxxy = 0;
  xs.forEach((x, i) => {
    const y = ys[i] ?? 0;
    sxx += x * x;
    sxxx += x ** 3;
    sx4 += x ** 4;
    sxy += x * y;
    sxxy += x * x * y;
  });
  const det = sxx * sx4 - sxxx * sxxx;
  if (Math.abs(det) < 1e-12) return [Math.max(0, sxx === 0 ? 0 : sxy / sxx), 0];
  let a = (sxy * sx4 - sxxy * sxxx) / det;
  let b = (sxx * sxxy - sxxx * sxy) / det;
  if (b < 0) [a, b] = [Math.max(0, sxy / sxx), 0];
  if (a < 0) [a, b] = [0, Math.max(0, sxxy / sx4)];
  return [a, b];
}

/**
 * Fits the USL to a sweep. For a given λ the model is linear in σ and κ
 * (λN/X − 1 = (σ + κ)(N − 1) + κ(N − 1)²), so λ is searched around the one-worker throughput
 * and σ, κ solved exactly for each; the fit with the least squared error in throughput wins.
 */
export function fitUsl(points: readonly SweepPoint[]): UslFit {
  const usable = points.filter((p) => p.workers >= 1 && p.throughput > 0);
  if (usable.length < 3) throw new Error('the USL fit needs at least three measured points');
  const first = usable.reduce((a, b) => (a.workers <= b.workers ? a : b));
  const lambda0 = first.throughput / first.workers;
  let best: { lambda: number; sigma: number; kappa: number; sse: number } | undefined;
  for (let step = -400; step <= 400; step++) {
    const lambda = lambda0 * (1 + step / 1000);
    const xs = usable.map((p) => p.workers - 1);
    const ys = usable.map((p) => (lambda * p.workers) / p.throughput - 1);
    const [a, b] = quadraticThroughOrigin(xs, ys);
    const kappa = b;
    const sigma = Math.max(0, Math.min(1, a - b));
    const sse = usable.reduce(
      (acc, p) => acc + (uslThroughput({ lambda, sigma, kappa }, p.workers) - p.throughput) ** 2,
      0,
    );
    if (best === undefined || sse < best.sse) best = { lambda, sigma, kappa, sse };
  }
  const fit = best ?? { lambda: lambda0, sigma: 0, kappa: 0, sse: 0 };
  const meanX = usable.reduce((a, p) => a + p.throughput, 0) / usable.length;
  const sst = usable.reduce((a, p) => a + (p.throughput - meanX) ** 2, 0);
  return {
    lambda: fit.lambda,
    sigma: fit.sigma,
    kappa: fit.kappa,
    r2: sst === 0 ? 1 : 1 - fit.sse / sst,
    peakWorkers: fit.kappa > 0 ? Math.sqrt((1 - fit.sigma) / fit.kappa) : Infinity,
  };
}
