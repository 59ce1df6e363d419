import { durationMs, type LoadSpec } from './loadSchema.js';

/** One stage in ms and arrivals per ms. */
export interface Ramp {
  readonly startMs: number;
  readonly durationMs: number;
  readonly fromRate: number;
  readonly toRate: number;
}

/** The stages as ramps on one clock, rates per ms. */
export function rampsOf(load: Pick<LoadSpec, 'stages' | 'startRate' | 'timeUnit'>, scale = 1): Ramp[] {
  const perMs = load.timeUnit === 'm' ? 1 / 60_000 : 1 / 1000;
  const ramps: Ramp[] = [];
  let at = 0;
  let rate = (load.startRate ?? load.stages[0]?.rate ?? 0) * perMs;
  for (const stage of load.stages) {
    const length = durationMs(stage.duration) * scale;
    ramps.push({ startMs: at, durationMs: length, fromRate: rate, toRate: stage.rate * perMs });
    at += length;
    rate = stage.rate * perMs;
  }
  return ramps;
}

/** Arrivals a ramp holds: the area under its rate. */
function areaOf(r: Ramp): number {
  return ((r.fromRate + r.toRate) / 2) * r.durationMs;
}

export function totalArrivals(ramps: readonly Ramp[]): number {
  return Math.floor(ramps.reduce((a, r) => a + areaOf(r), 0) + 1e-9);
}

export function totalMs(ramps: readonly Ramp[]): number {
  return ramps.reduce((a, r) => a + r.durationMs, 0);
}

/**
 * The intended time (ms from the start) of every arrival, in order: arrival k comes when the
 * area under the rate reaches k, so a constant rate r gives 0, 1/r, 2/r, … and a ramp thickens
 * linearly. Times come from the plan, never from the target's answers: an open model.
 */
export function* arrivalTimes(ramps: readonly Ramp[]): Generator<number> {
  let k = 0;
  let before = 0;
  for (const r of ramps) {
    const area = areaOf(r);
    // Within the ramp, the area after t ms is fromRate·t + slope·t²/2.
    const half = (r.toRate - r.fromRate) / (2 * r.durationMs);
    while (k < before + area - 1e-9) {
      const m = k - before;
      const root = Math.sqrt(Math.max(0, r.fromRate * r.fromRate + 4 * half * m));
      // 2m / (b + √(b² + 4am)) is the root of a·t² + b·t − m without cancellation, for a of either sign.
      const t = m === 0 ? 0 : (2 * m) / (r.fromRate + root);
      yield r.startMs + Math.min(t, r.durationMs);
      k++;
    }
    before += area;
  }
}
