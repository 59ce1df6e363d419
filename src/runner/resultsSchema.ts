import { z } from 'zod';
import { scenarioSchema, thresholdSchema } from '../scenario/scenarioSchema.js';
import { RESULTS_SCHEMA_VERSION, type RunResults } from './RunResults.js';

/**
 * results.json as a schema: what `report`, `compare` and `merge` accept from another machine
 * or version, checked on read (a foreign or older file is named, not cast), and published as
 * `schemas/results.schema.json`. The TypeScript types in `RunResults.ts` stay the writers'
 * contract; the compile-time check below keeps this schema from drifting looser than them.
 */
const num = z.number();
const verdict = z.strictObject({ status: z.enum(['ok', 'degraded', 'failed']), reasons: z.array(z.string()) });
const runVerdict = z.strictObject({
  status: z.enum(['ok', 'degraded', 'failed', 'interrupted']),
  reasons: z.array(z.string()),
});
const thresholdOutcome = z.strictObject({
  threshold: thresholdSchema,
  actual: num.nullable(),
  passed: z.boolean(),
  skipped: z.boolean(),
  message: z.string(),
});
const latency = z.strictObject({ p50: num, p90: num, p95: num, p99: num, max: num, mean: num, count: num });
const slice = z.strictObject({
  operations: num,
  failedOperations: num,
  requests: num,
  latencyMs: latency,
  histogram: z.string(),
});
const requestKind = z.enum(['single', 'batch', 'changeset', 'bulk']);
const cause = z.strictObject({
  kind: z.string(),
  status: num.nullable(),
  code: z.string().nullable(),
  message: z.string(),
  firstOperation: z.string(),
  count: num,
});

const phase = z.strictObject({ workload: num, name: z.string(), operations: num, wallMs: num, opsPerSec: num });

const repetition = z.strictObject({
  wallMs: num,
  startupMs: num,
  meanWorkers: num.nullable(),
  operations: num,
  failedOperations: num,
  requests: num,
  opsPerSec: num,
  requestsPerSec: num,
  throttled: num,
  retries: num,
  clientCpuMs: num,
  serverCpuMs: num.nullable(),
  records: z.record(z.string(), num).nullable(),
  dataFingerprint: z.string(),
  planFingerprint: z.string(),
  phases: z.array(phase).optional(),
});

const strategy = z.strictObject({
  name: z.string(),
  kind: z.string(),
  verdict,
  aborted: z.string().nullable(),
  workers: num,
  parameters: z.record(z.string(), z.union([num, z.boolean()])),
  complete: z.boolean(),
  repetitions: z.array(repetition),
  wallMs: z.strictObject({ mean: num, median: num, stddev: num, ci95: z.tuple([num, num]), n: num }),
  speedup: num.nullable(),
  efficiency: num.nullable(),
  timeReduction: num.nullable(),
  throughput: z.strictObject({
    opsPerSec: num,
    requestsPerSec: num,
    interval: z.strictObject({ low: num, high: num, confidence: z.literal(0.9) }).optional(),
  }),
  latencyMs: latency,
  latencyOf: requestKind,
  phases: z.array(phase).optional(),
  byWorkload: z.array(slice.extend({ workload: num, name: z.string() })),
  byRequestKind: z.partialRecord(requestKind, slice),
  serviceTimeMs: latency,
  operations: num,
  requests: num,
  recordsRead: num,
  errors: z.strictObject({ total: num, rate: num, byKind: z.record(z.string(), num), causes: z.array(cause) }),
  throttled: z.strictObject({ total: num, byCode: z.record(z.string(), num) }),
  retries: num,
  retryWaitMs: num,
  webServers: z
    .strictObject({
      seen: num.describe('Web servers that answered, told apart by their ARRAffinity cookie (a lower bound).'),
      responses: z
        .record(z.string(), num)
        .describe(
          "Responses that carried each server's cookie (first 8 characters): all of them when the cookie is dropped.",
        ),
    })
    .optional(),
  client: z.strictObject({
    cpuPercent: num,
    cpuUserMs: num,
    cpuSystemMs: num,
    // Optional: results written before these were recorded still read.
    cpuMicrosPerRequest: num.nullable().optional().describe("Client CPU per request sent, µs: the harness's own cost."),
    cores: num
      .optional()
      .describe('Cores the client could keep busy (1 for one event loop; threads and processes: workers).'),
    generatorBound: z
      .boolean()
      .optional()
      .describe(
        'The load generator set the pace: its CPU at ≥ 90% of those cores, or event-loop delay p99 over 50 ms.',
      ),
    peakRssBytes: num,
    heapUsedBytes: num,
    eventLoopDelayP99Ms: num,
  }),
  server: z
    .strictObject({ cpuPercent: num, cpuUserMs: num, cpuSystemMs: num, peakRssBytes: num, busyMs: num, queuePeak: num })
    .nullable(),
  timeline: z.array(z.strictObject({ t: num, opsPerSec: num, throttled: num })),
  integrity: z.strictObject({
    ok: z.boolean(),
    problemCount: num,
    problems: z.array(z.string()),
    checked: z
      .strictObject({ creates: num, updates: num, upserts: num, deletes: num, rolledBackUnits: num, tables: num })
      .nullable(),
  }),
  histograms: z.strictObject({ response: z.string(), service: z.string(), latency: z.string() }),
  warnings: z.array(z.string()),
});

export const resultsSchema = z.strictObject({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  verdict: runVerdict,
  thresholds: z
    .array(thresholdOutcome)
    .optional()
    .describe('Each threshold judged; absent in files written before the verdict counted them (judged again on read).'),
  runId: z.string(),
  scenarioFile: z.string(),
  scenario: scenarioSchema,
  target: z.strictObject({ kind: z.enum(['mock', 'org']), url: z.string() }),
  mockCosts: z
    .strictObject({
      kind: z.enum(['profile', 'hand-set']),
      profile: z.string().nullable(),
      version: z.int().nullable(),
      origin: z.string().nullable(),
      description: z.string(),
      source: z.string(),
      handSet: z.array(z.string()),
      uncertainty: z
        .strictObject({
          confidence: z.literal(0.9),
          predictionLogSd: num,
          degreesOfFreedom: z.int(),
          basis: z.enum(['validation', 'figures']),
        })
        .nullable()
        .default(null),
    })
    .nullable()
    .default(null)
    .describe("Where the embedded mock's costs came from: a profile (built-in or file) or the scenario's own keys."),
  timeScale: num
    .positive()
    .default(1)
    .describe(
      "How many times faster than the org's the mock's clock ran: every time, rate and latency is the " +
        "org's, multiplied back; CPU, memory and start-up are the machine's own. 1 on an org (and in older files).",
    ),
  environment: z.strictObject({
    dvbenchVersion: z.string(),
    node: z.string(),
    os: z.string(),
    arch: z.string(),
    cpuModel: z.string(),
    cores: num,
    totalMemoryBytes: num,
    ci: z.boolean(),
  }),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  partial: z.boolean(),
  interruption: z.string().nullable(),
  plan: z.strictObject({ operations: num, items: num, byKind: z.record(z.string(), num) }),
  strategies: z.array(strategy),
  fastest: z.string().nullable(),
  recommended: z.string().nullable(),
  integrity: z.strictObject({ ok: z.boolean(), failed: z.array(z.string()) }),
  shard: z.strictObject({ index: num, count: num }).nullable(),
  selectedStrategies: z.array(z.string()).nullable(),
  setup: z.strictObject({ ms: num, requests: num, created: num, deleted: num }).nullable().optional(),
  warnings: z.array(z.string()),
});

/**
 * A file the schema accepted, as a RunResults. It also checks at compile time that what the
 * schema accepts is a RunResults: the schema cannot drift looser than the type. Files written
 * before thresholds were recorded have none here; readResults judges them.
 */
export const asRunResults = (parsed: z.output<typeof resultsSchema>): RunResults => ({
  ...parsed,
  thresholds: parsed.thresholds ?? [],
});
