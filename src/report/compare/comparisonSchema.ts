import { z } from 'zod';
import type { Comparison } from './compareRuns.js';

const verdict = z.enum([
  'faster',
  'slower',
  'no significant change',
  'too few repetitions',
  'not tested',
  'more errors',
  'fewer errors',
  'same errors',
]);

const comparedRun = z.strictObject({
  path: z.string(),
  runId: z.string(),
  startedAt: z.string(),
  verdict: z.string(),
});

/** compare.json as `dvbench compare` writes it; `schemas/compare.schema.json` is generated from it. */
export const comparisonSchema = z.strictObject({
  scenario: z.string(),
  base: comparedRun,
  current: comparedRun,
  tolerance: z.number(),
  alpha: z.number(),
  strategies: z.array(
    z.strictObject({
      strategy: z.string(),
      figures: z.array(
        z.strictObject({
          figure: z.enum(['wall time', 'throughput', 'p95 latency', 'errors', 'verdict']),
          unit: z.string(),
          base: z.number(),
          current: z.number(),
          change: z.number().describe('(current − base) ÷ base.'),
          p: z.number().nullable().describe("Welch's two-sided p-value over the repetitions."),
          verdict,
        }),
      ),
      verdicts: z.strictObject({ base: z.string(), current: z.string() }),
      regression: z.boolean(),
      reasons: z.array(z.string()),
    }),
  ),
  onlyInBase: z.array(z.string()),
  onlyInCurrent: z.array(z.string()),
  environmentDiffers: z.array(z.string()),
  prediction: z
    .string()
    .optional()
    .describe('Set when one run is on the embedded mock and the other on an org: a prediction against a measurement.'),
  regressions: z.int().min(0),
});

/**
 * Compile-time: what the schema accepts is a Comparison (the schema cannot drift looser than the type).
 * @public exported only so the check is not an unused local; nothing calls it.
 */
export const acceptsOnlyComparison = (parsed: z.output<typeof comparisonSchema>): Comparison => parsed;
