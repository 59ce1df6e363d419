import { z } from 'zod';
import { mockConfigSchema } from '../config/mockConfigSchema.js';

/** The mock config keys a profile may set: costs, scaling and throttling, nothing else. */
const profileCostsSchema = mockConfigSchema.pick({
  latency: true,
  capacity: true,
  serializedFraction: true,
  contention: true,
  plugins: true,
  dopHint: true,
  webServers: true,
  limits: true,
});

/** What a calibration knows of its own precision. */
const profileUncertaintySchema = z.strictObject({
  confidence: z.literal(0.9).describe('The intervals below are 90% intervals.'),
  figures: z
    .record(z.string(), z.tuple([z.number(), z.number()]))
    .describe("Each fitted figure's interval by its path (latency.create.baseMs), from its samples' spread."),
  predictionLogSd: z
    .number()
    .min(0)
    .describe("Spread of ln(predicted ÷ measured) throughput on the calibration's held-out strategies."),
  degreesOfFreedom: z
    .int()
    .min(1)
    .describe("Held-out strategies the spread came from: Student's t with this many widens the interval."),
  basis: z
    .enum(['validation', 'figures'])
    .describe(
      'validation: the spread of the held-out errors; figures: no validation ran, so the spread of the ' +
        'main figures with a 5% floor for the model.',
    ),
});

/**
 * A cost profile file (YAML or JSON): the mock's cost model plus where it came from. Built-in
 * profiles have the same shape; `dvbench calibrate` will write it.
 */
export const profileSchema = z.strictObject({
  profile: z.strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, dot, dash or underscore')
      .describe('Shown in every report that used the profile.'),
    version: z.int().min(1).describe('Bump it when the figures change, so reports can tell two versions apart.'),
    description: z.string().default(''),
    source: z
      .string()
      .min(1)
      .describe('Where the figures come from: the documents cited, or the org and date a calibration measured.'),
    createdAt: z.string().min(1).describe('When the profile was made (ISO 8601 date).'),
    samples: z
      .int()
      .min(0)
      .nullable()
      .default(null)
      .describe('Requests a calibration measured; null for a hand-made profile.'),
    fit: z
      .record(z.string(), z.number())
      .nullable()
      .default(null)
      .describe('Fit quality of a calibrated profile (e.g. medianErrorPercent); null for a hand-made one.'),
    measuredOn: z
      .string()
      .nullable()
      .default(null)
      .describe('The org a calibration measured (its origin), for `calibrate --check`; null for a hand-made profile.'),
    uncertainty: profileUncertaintySchema
      .nullable()
      .default(null)
      .describe('How sure a calibrated profile is of its figures and its predictions; null for a hand-made one.'),
  }),
  mock: profileCostsSchema.describe(
    'The mock config keys the profile sets (latency, capacity, serializedFraction, contention, plugins, dopHint, webServers, limits).',
  ),
});

export type ProfileInput = z.input<typeof profileSchema>;
export type Profile = z.output<typeof profileSchema>;
