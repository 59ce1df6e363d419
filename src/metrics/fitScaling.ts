import { fitUsl, uslThroughput, type SweepPoint, type UslFit } from './fitUsl.js';

/** A hard capacity knee: X(N) = min(N × perWorker, capacity), the bound a queue at fixed capacity gives. */
export interface BoundFit {
  /** Throughput of one worker below the knee. */
  readonly perWorker: number;
  /** The plateau: the server's throughput once it is saturated; Infinity when the sweep never reached it. */
  readonly capacity: number;
  readonly r2: number;
}

export interface ScalingFit {
  /** The model that explains the sweep better (by AIC, which charges the USL its third parameter). */
  readonly model: 'usl' | 'bound';
  readonly usl: UslFit | null;
  readonly bound: BoundFit;
  /** Where adding workers stops paying: the bound's N = capacity / perWorker, or the USL's peak (or 1/σ when κ = 0). */
  readonly knee: number;
  /**
   * What the measured points say about the knee, model aside: the most workers still within
   * 10% of linear scaling, and the fewest already within 5% of the best throughput.
   */
  readonly kneeRange: readonly [number, number];
}

export function boundThroughput(fit: Pick<BoundFit, 'perWorker' | 'capacity'>, n: number): number {
  return Math.min(n * fit.perWorker, fit.capacity);
}

function sse(points: readonly SweepPoint[], predict: (n: number) => number): number {
  return points.reduce((a, p) => a + (predict(p.workers) - p.throughput) ** 2, 0);
}

function rSquared(points: readonly SweepPoint[], error: number): number {
  const mean = points.reduce((a, p) => a + p.throughput, 0) / points.length;
  const sst = points.reduce((a, p) => a + (p.throughput - mean) ** 2, 0);
  return sst === 0 ? 1 : 1 - error / sst;
}

/**
 * Least squares of min(N·λ, C): for each split of the sorted points into a linear part and a
 * plateau, λ and C are the least-squares values of each part; the split with the least error wins.
 */
export function fitBound(points: readonly SweepPoint[]): BoundFit {
  const sorted = [...points].sort((a, b) => a.workers - b.workers);
  let best: { perWorker: number; capacity: number; error: number } | undefined;
  for (let split = 1; split <= sorted.length; split++) {
    const linear = sorted.slice(0, split);
    const plateau = sorted.slice(split);
    const perWorker =
      linear.reduce((a, p) => a + p.workers * p.throughput, 0) / linear.reduce((a, p) => a + p.workers ** 2, 0);
    const capacity = plateau.length === 0 ? Infinity : plateau.reduce((a, p) => a + p.throughput, 0) / plateau.length;
    // A plateau below the linear part's last point would not be a knee but a fall: the USL's case.
    if (capacity < (linear.at(-1)?.throughput ?? 0) * 0.9) continue;
    const error = sse(sorted, (n) => boundThroughput({ perWorker, capacity }, n));
    if (best === undefined || error < best.error) best = { perWorker, capacity, error };
  }
  const fit = best ?? { perWorker: 0, capacity: Infinity, error: sse(sorted, () => 0) };
  return { perWorker: fit.perWorker, capacity: fit.capacity, r2: rSquared(sorted, fit.error) };
}

/** Akaike's information criterion for least squares: n·ln(SSE/n) + 2k. */
function aic(points: readonly SweepPoint[], error: number, parameters: number): number {
  const n = points.length;
  return n * Math.log(Math.max(error, 1e-9) / n) + 2 * parameters;
}

function measuredKneeRange(points: readonly SweepPoint[]): [number, number] {
  const sorted = [...points].sort((a, b) => a.workers - b.workers);
  const first = sorted[0];
  if (first === undefined) return [1, 1];
  const single = first.throughput / first.workers;
  const linear = sorted.filter((p) => p.throughput >= 0.9 * single * p.workers);
  const best = Math.max(...sorted.map((p) => p.throughput));
  const saturated = sorted.find((p) => p.throughput >= 0.95 * best) ?? first;
  const low = Math.min(linear.at(-1)?.workers ?? first.workers, saturated.workers);
  return [low, saturated.workers];
}

/**
 * Fits both the USL and a hard capacity bound to a concurrency sweep and keeps the one that
 * explains it better: a server that is linear up to its capacity and flat after is a bound,
 * and the USL would put a smooth peak well past the real knee.
 */
export function fitScaling(points: readonly SweepPoint[]): ScalingFit | null {
  const usable = points.filter((p) => p.workers >= 1 && p.throughput > 0);
  if (usable.length < 3) return null;
  const bound = fitBound(usable);
  let usl: UslFit | null = null;
  try {
    usl = fitUsl(usable);
  } catch {
    usl = null;
  }
  const boundAic = aic(
    usable,
    sse(usable, (n) => boundThroughput(bound, n)),
    2,
  );
  const uslAic =
    usl === null
      ? Infinity
      : aic(
          usable,
          sse(usable, (n) => uslThroughput(usl, n)),
          3,
        );
  const kneeRange = measuredKneeRange(usable);
  if (usl !== null && uslAic < boundAic) {
    const knee = Number.isFinite(usl.peakWorkers) ? usl.peakWorkers : usl.sigma > 0 ? 1 / usl.sigma : Infinity;
    return { model: 'usl', usl, bound, knee, kneeRange };
  }
  const knee = bound.perWorker > 0 ? bound.capacity / bound.perWorker : Infinity;
  return { model: 'bound', usl, bound, knee, kneeRange };
}

/**
 * The doubling step where the knee is: the first pair of measured worker counts where the
 * larger gains less than three quarters of what linear scaling would add.
 */
export function kneeBracket(points: readonly SweepPoint[]): [number, number] | undefined {
  const sorted = [...points].sort((a, b) => a.workers - b.workers);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (prev === undefined || cur === undefined) continue;
    const linearGain = cur.workers / prev.workers - 1;
    if (cur.throughput < prev.throughput * (1 + 0.75 * linearGain)) return [prev.workers, cur.workers];
  }
  return undefined;
}

/** Worker counts to measure inside the knee's bracket: at most three, evenly spaced, none measured yet. */
export function refinement(points: readonly SweepPoint[]): number[] {
  const bracket = kneeBracket(points);
  if (bracket === undefined) return [];
  const [low, high] = bracket;
  const step = Math.max(1, Math.round((high - low) / 4));
  const measured = new Set(points.map((p) => p.workers));
  const out: number[] = [];
  for (let n = low + step; n < high && out.length < 3; n += step) if (!measured.has(n)) out.push(n);
  return out;
}
