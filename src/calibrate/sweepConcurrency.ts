import { performance } from 'node:perf_hooks';
import type { CallResult } from '../client/CallResult.js';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import { fitBound, refinement } from '../metrics/fitScaling.js';
import { drawsForPrecision } from '../metrics/statistics.js';
import type { ScalingPoint } from './CostSamples.js';
import { BudgetSpent, type ProbeBudget } from './ProbeBudget.js';

/** One operation of the sweep, by index: the same kind at every worker count. */
export type SweepOperation = (i: number) => Promise<CallResult>;

/** The fewest operations a point is measured on, on an org whose calls vary little. */
const MIN_OPS = 20;
/** The most a noisy org's spread raises that to: the sweep must stay within the budget. */
const MAX_MIN_OPS = 80;
/** A point's throughput should be known to about this share (its standard error). */
const POINT_PRECISION = 0.04;

/**
 * The fewest operations each point needs on this org, from the spread of the swept kind's
 * probe calls: a point of n operations knows its throughput to about cv ÷ √n. On an org with
 * long tails (cv 0.35) 20 operations left a point 8% out, and one lucky point near the knee
 * set the shape: async at the dop hint read 16% high in two bench runs.
 */
export function sweepOpsFor(callMs: readonly number[]): number {
  return Math.min(MAX_MIN_OPS, Math.max(MIN_OPS, drawsForPrecision(callMs, POINT_PRECISION)));
}

/** Operations measured at `workers` concurrency: enough for each worker to run several. */
function opsAt(workers: number, minOps: number): number {
  return Math.max(minOps, 4 * workers);
}

/** Runs `ops` operations on `workers` concurrent loops; returns the 429s met and when each operation ended. */
async function wave(
  workers: number,
  ops: number,
  op: SweepOperation,
  offset: number,
): Promise<{ throttled: number; ended: number[] }> {
  let next = 0;
  let throttled = 0;
  const ended: number[] = [];
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < ops) {
        const result = await op(offset + next++);
        ended.push(performance.now());
        throttled += result.throttled;
        if (result.status >= 400)
          throw errorCatalogue.DVB_ERR_REQUEST_FAILED(
            `calibrate: the concurrency sweep got HTTP ` +
              `${result.status} at ${workers} workers${result.error === undefined ? '' : `: ${result.error.message}`}`,
          );
      }
    }),
  );
  return { throttled, ended };
}

/**
 * Throughput of `op` at `workers` concurrency, after one untimed wave opens the connections.
 * The last `workers − 1` operations end while fewer than `workers` run (the drain), so the
 * rate is taken up to the end of the operation before them: a steady state, not a tail.
 */
async function measurePoint(workers: number, ops: number, op: SweepOperation, offset = 0): Promise<ScalingPoint> {
  await wave(workers, workers, op, offset);
  const started = performance.now();
  const { throttled, ended } = await wave(workers, ops, op, offset + workers);
  const steady = ops - workers + 1;
  const until = ended[steady - 1] ?? performance.now();
  return { workers, ops, opsPerSec: (steady * 1000) / (until - started), throttled };
}

/** Throttling began, throughput fell, or a doubling gained less than a tenth: the plateau is in sight. */
function shouldStop(points: readonly ScalingPoint[], point: ScalingPoint): string | undefined {
  if (point.throttled > 0) return `429s started at ${point.workers} workers`;
  const best = Math.max(...points.map((p) => p.opsPerSec));
  if (points.length >= 3 && point.opsPerSec < best * 0.97) return `throughput fell at ${point.workers} workers`;
  const previous = points.at(-2);
  if (previous !== undefined && point.opsPerSec < previous.opsPerSec * 1.1)
    return `throughput levelled off at ${point.workers} workers`;
  return undefined;
}

/**
 * Worker counts 1, 2, 4, … up to `maxWorkers`, stopping one doubling after throughput levels
 * off or falls, or as soon as 429s start, then up to three counts inside the knee's bracket (as
 * `dvbench tune` does). A spent budget ends the sweep with the points measured so far.
 */
export async function sweepConcurrency(
  op: SweepOperation,
  maxWorkers: number,
  budget: ProbeBudget,
  onPoint: (p: ScalingPoint) => void = () => undefined,
  minOps = MIN_OPS,
): Promise<{ points: ScalingPoint[]; stoppedBecause: string }> {
  const points: ScalingPoint[] = [];
  let stoppedBecause = `reached ${maxWorkers} workers`;
  let offset = 0;
  const measure = async (workers: number): Promise<ScalingPoint> => {
    const ops = opsAt(workers, minOps);
    budget.check(ops + workers);
    const point = await measurePoint(workers, ops, op, offset);
    offset += ops + workers;
    points.push(point);
    onPoint(point);
    return point;
  };
  try {
    for (let workers = 1; workers <= maxWorkers; workers *= 2) {
      const stop = shouldStop(points, await measure(workers));
      if (stop !== undefined) {
        stoppedBecause = stop;
        // One doubling past the level: the slope beyond the knee, which decides whether the
        // org's throughput holds there or falls (contention). 429s end the sweep at once.
        if (!stop.startsWith('429') && workers * 2 <= maxWorkers) await measure(workers * 2);
        break;
      }
    }
    for (const workers of refineAround(points)) await measure(workers);
  } catch (error) {
    if (!(error instanceof BudgetSpent)) throw error;
    stoppedBecause = error.reason;
  }
  points.sort((a, b) => a.workers - b.workers);
  return { points, stoppedBecause };
}

/**
 * Where a capacity bound min(N·λ, C) puts the knee: the mock caps throughput by a bound, so
 * this is the knee its profile needs (the USL's peak can sit far past it on a hard knee).
 * Undefined when the points show no plateau inside the sweep.
 */
export function boundKnee(points: readonly { workers: number; throughput: number }[]): number | undefined {
  if (points.length < 3) return undefined;
  const bound = fitBound(points);
  const knee = bound.perWorker > 0 ? bound.capacity / bound.perWorker : Infinity;
  const largest = Math.max(...points.map((p) => p.workers));
  return Number.isFinite(knee) && knee < largest * 0.9 ? knee : undefined;
}

/**
 * Up to three worker counts between the measured counts on either side of the fitted knee
 * (one noisy point early in the sweep must not send the refinement to the wrong bracket);
 * `tune`'s rule when the fit has no knee.
 */
function refineAround(points: readonly ScalingPoint[]): number[] {
  const clean = points.filter((p) => p.throttled === 0).map((p) => ({ workers: p.workers, throughput: p.opsPerSec }));
  const knee = boundKnee(clean);
  if (knee === undefined) return refinement(clean);
  const measured = clean.map((p) => p.workers).sort((a, b) => a - b);
  const low = measured.filter((n) => n <= knee).at(-1);
  const high = measured.find((n) => n > knee);
  if (low === undefined || high === undefined) return refinement(clean);
  const step = Math.max(1, Math.round((high - low) / 4));
  const out: number[] = [];
  for (let n = low + step; n < high && out.length < 3; n += step) if (!measured.includes(n)) out.push(n);
  return out;
}

/**
 * The same points again (on the embedded mock with a candidate profile), each on as many
 * operations as the org's was, so both sides carry the same sampling noise.
 */
export async function replaySweep(
  op: SweepOperation,
  points: readonly { readonly workers: number; readonly ops?: number }[],
): Promise<ScalingPoint[]> {
  const out: ScalingPoint[] = [];
  let offset = 0;
  for (const p of points) {
    const ops = p.ops ?? opsAt(p.workers, MIN_OPS);
    out.push(await measurePoint(p.workers, ops, op, offset));
    offset += ops + p.workers;
  }
  return out;
}
