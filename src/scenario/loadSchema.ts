import { z } from 'zod';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `30s`, `5m`, `250ms`, `1h`, or a number of seconds. */
export const durationSchema = z
  .union([
    z.number().positive().max(86_400),
    z.string().regex(DURATION, 'must be a duration such as 250ms, 30s, 5m or 1h'),
  ])
  .describe('A duration: 250ms, 30s, 5m, 1h, or a number of seconds.');

/** A duration as the schema accepts it, in ms. */
export function durationMs(value: number | string): number {
  if (typeof value === 'number') return value * 1000;
  const match = DURATION.exec(value);
  if (match === null) throw new Error(`not a duration: ${value}`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

const stageSchema = z.strictObject({
  duration: durationSchema,
  rate: z
    .number()
    .min(0)
    .max(100_000)
    .describe('The arrival rate at the end of the stage (per timeUnit); it changes linearly from the one before.'),
});

const sloSchema = z.strictObject({
  metric: z
    .enum(['p50', 'p90', 'p95', 'p99', 'max', 'errorRate', 'throttledRate', 'droppedRate', 'opsPerSec'])
    .describe(
      'Latency percentiles in ms (from each operation’s intended start), shares of operations ' +
        '(errorRate, throttledRate: operations that met a 429; droppedRate: arrivals dropped at ' +
        'maxInFlight) or throughput.',
    ),
  op: z.enum(['<', '<=', '>', '>=', '==']),
  value: z.number(),
  window: durationSchema
    .default('10s')
    .describe('Each window of this length (back to back from `after`) must meet the objective.'),
  after: durationSchema.default(0).describe('Windows start this long after the load starts (skip the ramp-up).'),
  workload: z.string().min(1).optional().describe('Only this workload (by name).'),
});

/**
 * An open workload model: arrivals at a planned rate whatever the target's answers (as k6's
 * arrival-rate executors), in stages, from a weighted mix of the scenario's workloads.
 */
export const loadSchema = z.strictObject({
  stages: z
    .array(stageSchema)
    .min(1)
    .max(100)
    .describe('Stages run one after another; each ramps linearly from the previous rate to its own.'),
  startRate: z
    .number()
    .min(0)
    .max(100_000)
    .optional()
    .describe("Rate at the start of the first stage; default: the first stage's rate (held, not ramped)."),
  timeUnit: z.enum(['s', 'm']).default('s').describe('Rates are per second (s) or per minute (m).'),
  mix: z
    .record(z.string(), z.number().positive())
    .optional()
    .describe("Weights by workload name; default: each workload's count."),
  maxInFlight: z
    .int()
    .min(1)
    .max(10_000)
    .default(200)
    .describe('Operations in flight at most; an arrival beyond it is dropped and counted, never delayed.'),
  lateMs: z
    .number()
    .min(0)
    .default(25)
    .describe('An arrival sent more than this after its intended time is counted late.'),
  gracefulStop: durationSchema
    .default('30s')
    .describe(
      'After the last arrival, operations still in flight (a Retry-After wait included) get ' +
        'this long to finish; then they are cancelled and counted as interrupted. A stopped run ' +
        '(Ctrl-C, abortOnFail) cancels them at once.',
    ),
  interval: durationSchema.default('1s').describe('Length of one point of the time series.'),
  slos: z.array(sloSchema).default([]),
  abortOnFail: z
    .boolean()
    .default(false)
    .describe('Stop the run (exit 1) as soon as a window misses an objective, as k6’s abortOnFail.'),
});

export type LoadSpec = z.output<typeof loadSchema>;
export type SloSpec = z.output<typeof sloSchema>;
