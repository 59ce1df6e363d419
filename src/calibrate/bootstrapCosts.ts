import { createPrng, type Prng } from '../../util/createPrng.js';
import { quantile } from '../metrics/statistics.js';
import type { CostSamples, SizedSamples } from './CostSamples.js';
import { fitCosts } from './fitCosts.js';

/** A figure's 90% interval, `[low, high]`, by its profile path (`latency.create.baseMs`). */
export type FigureIntervals = Record<string, [number, number]>;

/** Enough resamples for a 5th and 95th percentile that move by about a percent between runs. */
const RESAMPLES = 200;

function resample(values: readonly number[], prng: Prng): number[] {
  return values.map(() => values[Math.floor(prng.next() * values.length)] ?? 0);
}

function resampleSized(sized: readonly SizedSamples[], prng: Prng): SizedSamples[] {
  return sized.map((s) => ({ size: s.size, ms: resample(s.ms, prng) }));
}

function resampleAll(samples: CostSamples, prng: Prng): CostSamples {
  return {
    roundTrip: resample(samples.roundTrip, prng),
    read: resample(samples.read, prng),
    query: resampleSized(samples.query, prng),
    create: resample(samples.create, prng),
    update: resample(samples.update, prng),
    upsert: resample(samples.upsert, prng),
    delete: resample(samples.delete, prng),
    batch: resampleSized(samples.batch, prng),
    batchKind: samples.batchKind,
    bulkCreate: resampleSized(samples.bulkCreate, prng),
    bulkUpdate: resampleSized(samples.bulkUpdate, prng),
    changeset: {
      plain: resample(samples.changeset.plain, prng),
      inChangeset: resample(samples.changeset.inChangeset, prng),
    },
  };
}

/** A latency block's figures, flattened to `latency.<key>.baseMs` and `latency.<key>` paths. */
export function latencyFigures(latency: object): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, value] of Object.entries(latency) as [string, unknown][]) {
    if (typeof value === 'number') out.set(`latency.${key}`, value);
    else if (typeof value === 'object' && value !== null && 'baseMs' in value)
      out.set(`latency.${key}.baseMs`, (value as { baseMs: number }).baseMs);
  }
  return out;
}

/**
 * How sure each fitted figure is: the probes (the org's and this machine's alike) resampled with
 * replacement and fitted again, 200 times; a figure's interval is the 5th to 95th percentile of
 * its refits. It holds what the spread of the samples says, nothing of a bias they share.
 */
export function bootstrapCosts(target: CostSamples, local: CostSamples, seed = 1): FigureIntervals {
  const prng = createPrng(seed);
  const refits = new Map<string, number[]>();
  for (let i = 0; i < RESAMPLES; i++)
    for (const [path, value] of latencyFigures(fitCosts(resampleAll(target, prng), resampleAll(local, prng)))) {
      const list = refits.get(path) ?? [];
      list.push(value);
      refits.set(path, list);
    }
  const out: FigureIntervals = {};
  for (const [path, values] of refits) {
    const round = (x: number): number => Math.round(x * 1000) / 1000;
    out[path] = [round(quantile(values, 0.05)), round(quantile(values, 0.95))];
  }
  return out;
}
