import { z } from 'zod';

/** JSON has no Infinity: an unbounded figure (a capacity never reached, a USL with no peak) is null. */
const figure = z.number().nullable();

const uslFit = z.strictObject({
  lambda: z.number().describe('Throughput of one worker.'),
  sigma: z.number().describe('Contention: the share of work that serializes.'),
  kappa: z.number().describe('Coherency: makes throughput fall past the peak.'),
  r2: z.number(),
  peakWorkers: figure.describe('√((1 − σ) / κ); null when κ = 0.'),
});

/** tune.json as `dvbench tune` writes it; `schemas/tune.schema.json` is generated from it. */
export const tuneSchema = z.strictObject({
  schemaVersion: z.literal(1),
  scenario: z.string(),
  points: z.array(
    z.strictObject({
      workers: z.int().min(1),
      opsPerSec: z.number(),
      throttled: z.int().min(0),
      errors: z.int().min(0),
      p95Ms: z.number(),
    }),
  ),
  stoppedBecause: z.string(),
  fit: uslFit.nullable().describe('The USL fit, whichever model won.'),
  scaling: z
    .strictObject({
      model: z.enum(['usl', 'bound']).describe('The model that explains the points better (by AIC).'),
      usl: uslFit.nullable(),
      bound: z.strictObject({
        perWorker: z.number(),
        capacity: figure.describe('The plateau in ops/s; null when the sweep never reached it.'),
        r2: z.number(),
      }),
      knee: figure.describe('Workers where adding more stops paying, by the chosen model.'),
      kneeRange: z
        .tuple([z.number(), z.number()])
        .describe('The most workers still within 10% of linear, and the fewest within 5% of the best.'),
    })
    .nullable(),
  recommendedWorkers: z.int().nullable(),
  dopHint: z.int().nullable(),
  concurrencyLimit: z.int().nullable(),
  sentence: z.string(),
});
