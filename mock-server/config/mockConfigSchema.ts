import { z } from 'zod';

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'must be lower-case letters, digits and underscores, starting with a letter');

const customColumnSchema = z.strictObject({
  name: identifier,
  type: z.enum(['string', 'memo', 'int', 'decimal', 'money', 'bool', 'datetime', 'guid', 'choice', 'lookup']),
  maxLength: z
    .int()
    .min(1)
    .max(1_048_576)
    .optional()
    .describe('For string and memo columns. Default 100 (string), 2000 (memo).'),
  options: z.array(z.int()).min(1).optional().describe('For choice columns: the allowed values.'),
  labels: z
    .record(z.string(), z.string().min(1))
    .optional()
    .describe(
      'For choice and bool columns: the label of each value ("100": Planning, "true": Active), ' +
        'returned as the FormattedValue annotation. A bool without labels reads Yes and No.',
    ),
  target: identifier.optional().describe('For lookup columns: the logical name of the target table.'),
  navigationProperty: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .optional()
    .describe('For lookup columns: the single-valued navigation property used in @odata.bind and $expand.'),
  relationship: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .optional()
    .describe(
      "For lookup columns: the one-to-many relationship's schema name, the target table's " +
        'collection-valued navigation property ($ref, GET <set>(<id>)/<relationship>). Default: ' +
        '<target>_<table>_<column>.',
    ),
});

const customTableSchema = z.strictObject({
  logicalName: identifier,
  entitySetName: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a valid OData identifier'),
  primaryKey: identifier.optional().describe('Default: <logicalName>id.'),
  primaryName: identifier.optional().describe('The primary name column. Default: the first string column.'),
  columns: z.array(customColumnSchema).min(1),
  alternateKeys: z.array(z.array(identifier).min(1)).default([]),
});

const clientSchema = z.strictObject({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});

const userSchema = z.strictObject({
  username: z.string().min(1),
  password: z.string().min(1),
});

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');

const latencySpec = z.strictObject({
  baseMs: z.number().min(0).max(600_000).describe('Median service time of one operation, in ms.'),
  distribution: z
    .enum(['none', 'lognormal', 'uniform', 'exponential'])
    .default('lognormal')
    .describe(
      'Jitter around baseMs: lognormal (median baseMs, spread sigma), uniform (± spreadMs), ' +
        'exponential (+ mean spreadMs), or none.',
    ),
  sigma: z.number().min(0).max(3).default(0.25).describe('Lognormal shape: 0.25 gives p99 ≈ 1.8 × median.'),
  spreadMs: z.number().min(0).default(0).describe('For uniform and exponential jitter, in ms.'),
});

export type LatencySpec = z.output<typeof latencySpec>;

const PLUGIN_MESSAGES = ['create', 'update', 'upsert', 'delete'] as const;

const pluginSpec = z.strictObject({
  name: z.string().min(1).max(200).optional().describe('A label for reports and stats.'),
  table: z.string().min(1).describe('The table (logical name) the plug-in step is registered on.'),
  messages: z
    .array(z.enum(PLUGIN_MESSAGES))
    .min(1)
    .default([...PLUGIN_MESSAGES])
    .describe('The messages it runs on; a bulk message runs it for each of its records, as Dataverse does.'),
  ms: z.number().min(0).max(60_000).describe('Synchronous time it adds to each operation, in ms.'),
});

const OPERATION_KINDS = ['read', 'create', 'update', 'upsert', 'delete', 'batch', 'batchItem'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

const faultSpec = z.strictObject({
  kind: z
    .enum(['503', 'drop', 'slow', 'lose', 'duplicate'])
    .describe(
      '503: Service Unavailable; drop: the connection is closed with no response; slow: extra ' +
        'latency; lose: a create is acknowledged but not kept; duplicate: a create is kept ' +
        'twice (lose and duplicate exist to prove an integrity audit catches them).',
    ),
  rate: z.number().min(0).max(1).describe('Share of matching requests that get this fault (seeded).'),
  table: z.string().optional().describe('Only requests on this table (logical name).'),
  operation: z
    .enum(OPERATION_KINDS)
    .optional()
    .describe('Only this kind of operation (update also matches upserts: PATCH without If-Match).'),
  afterProcessing: z
    .boolean()
    .default(true)
    .describe(
      'For drop: true loses the response after the change was applied (the case retries must ' +
        'survive); false drops before.',
    ),
  slowMs: z.number().min(0).default(1000).describe('For slow: extra latency in ms.'),
});

export type FaultSpec = z.output<typeof faultSpec>;

/**
 * The mock's configuration: one schema, the source of truth for the config file, the
 * `--config` flag and (later) the `mock` block of scenario files. Unknown keys are rejected.
 */
export const mockConfigSchema = z.strictObject({
  profile: z
    .string()
    .min(1)
    .optional()
    .describe(
      "A cost profile: 'default' (published Dataverse figures), 'zero' (no costs: for testing " +
        'the harness) or a profile file. Keys set beside it win.',
    ),
  auth: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Require a bearer token on the Web API, as Dataverse does.'),
      tokenLifetimeSeconds: z.int().min(1).default(3599).describe('Lifetime of issued access tokens, in seconds.'),
      clients: z
        .array(clientSchema)
        .default([])
        .describe('Accepted client_credentials apps. Empty: any client id and secret is accepted.'),
      users: z
        .array(userSchema)
        .default([])
        .describe('Accepted password-grant users. Empty: any username and password is accepted.'),
    })
    .prefault({}),
  organization: z
    .strictObject({
      organizationId: guid.default('9f5a6a5e-3c1b-4f0e-9a57-2d8c5f0b1a01'),
      businessUnitId: guid.default('2e4d8f10-6b7a-4c3e-8d21-7f9a0b3c5d02'),
      tenantId: guid.default('72f988bf-86f1-41af-91ab-2d7cd011db47'),
    })
    .prefault({}),
  tables: z.array(customTableSchema).default([]).describe('Custom tables, added to the standard ones.'),
  maxBodyBytes: z
    .int()
    .min(1024)
    .default(16 * 1024 * 1024)
    .describe('Largest accepted request body, in bytes.'),
  maxBodyBytesInFlight: z
    .int()
    .min(1024)
    .default(128 * 1024 * 1024)
    .describe(
      'Request bodies held at once, all connections together, in bytes; past it a new body is ' +
        'refused with 503 and Retry-After (memory stays bounded).',
    ),
  maxResponseBytes: z
    .int()
    .min(1024)
    .default(64 * 1024 * 1024)
    .describe(
      'Largest $batch response, in bytes; a batch whose answer would grow past it stops there with a 400 part.',
    ),
  maxSeedRecords: z
    .int()
    .min(1)
    .max(2_000_000)
    .default(500_000)
    .describe("Records one /_mock/seed request (or a scenario's data: block) may generate, all tables together."),
  maxTokens: z
    .int()
    .min(100)
    .default(100_000)
    .describe('Live access tokens kept; past it the oldest is forgotten (its client signs in again on the 401).'),
  seed: z.int().default(1).describe('Seed for sampled latencies and injected faults.'),
  timeScale: z
    .number()
    .min(0.001)
    .max(100_000)
    .default(1)
    .describe(
      "Compresses the org's time: every cost (service times, queueing, round trip, plug-ins), " +
        'window, execution-time limit, Retry-After and token lifetime is divided by it; 10 turns a ' +
        '100 ms create into 10 ms and the 300 s window into 30 s. A run (a load test: its arrivals and ' +
        "stages too) keeps pace with it and multiplies its figures back to the org's time.",
    ),
  dopHint: z
    .int()
    .min(1)
    .max(1000)
    .default(48)
    .describe('Value of the x-ms-dop-hint header (recommended degree of parallelism).'),
  webServers: z
    .int()
    .min(1)
    .max(64)
    .default(1)
    .describe(
      "Web servers behind the org's load balancer. Each has its own `capacity`, and the limits " +
        'count per user per web server; a client that keeps the ARRAffinity cookie stays on one ' +
        'server, one that drops it is spread over all.',
    ),
  limits: z
    .strictObject({
      enabled: z.boolean().default(true),
      requestsPerWindow: z.int().min(1).default(6000).describe('Requests per user per sliding window.'),
      executionSecondsPerWindow: z
        .number()
        .min(0.001)
        .default(1200)
        .describe('Combined execution time per user per window, in seconds.'),
      windowSeconds: z.number().min(0.001).default(300).describe('The sliding window, in seconds.'),
      concurrentRequests: z
        .int()
        .min(1)
        .default(52)
        .describe('Requests per user in progress at once; past it, 429 at once.'),
      evaluationIntervalSeconds: z
        .number()
        .min(0)
        .default(1)
        .describe(
          'How often the window limits are evaluated; requests between evaluations pass, so a ' +
            'burst can overshoot a little. 0: every request.',
        ),
      penaltySeconds: z
        .number()
        .min(0)
        .default(1)
        .describe('Added to the block for each request sent while throttled.'),
      maxRetryAfterSeconds: z.number().min(1).default(300).describe('Upper bound of Retry-After, in seconds.'),
      concurrencyRetryAfterSeconds: z.number().min(0).default(1).describe('Retry-After for the concurrency limit.'),
      maxConcurrentBatches: z
        .int()
        .min(1)
        .nullable()
        .default(null)
        .describe(
          '$batch requests running at once per organization; past it "Server Busy" before any ' +
            'operation runs. null: no cap; 2: the old ExecuteMultiple rule.',
        ),
    })
    .prefault({}),
  latency: z
    .strictObject({
      default: latencySpec.prefault({ baseMs: 0, distribution: 'none' }),
      read: latencySpec.optional(),
      create: latencySpec.optional(),
      update: latencySpec.optional().describe('PATCH with If-Match (update only), and PUT of one column.'),
      upsert: latencySpec
        .optional()
        .describe('PATCH without If-Match: Dataverse looks the record up, then creates or updates it. Unset: update.'),
      delete: latencySpec.optional(),
      batch: latencySpec.optional().describe('Fixed overhead of one $batch or bulk request, beside its operations.'),
      batchItem: latencySpec
        .optional()
        .describe("Each operation inside a $batch or bulk request; unset: the operation kind's own latency."),
      changeset: latencySpec
        .optional()
        .describe('Each changeset in a $batch: its transaction, beside its operations. Unset: none.'),
      bulk: latencySpec
        .optional()
        .describe('Fixed overhead of one bulk message (CreateMultiple, UpdateMultiple, UpsertMultiple); unset: batch.'),
      bulkCreate: latencySpec
        .optional()
        .describe(
          'Each record a bulk message creates; unset: batchItem. Bulk messages are cheaper per record than $batch.',
        ),
      bulkUpdate: latencySpec.optional().describe('Each record a bulk message updates; unset: batchItem.'),
      perRecordMs: z.number().min(0).default(0).describe('Added per record returned by a query, in ms.'),
      roundTripMs: z
        .number()
        .min(0)
        .max(60_000)
        .default(0)
        .describe(
          'Network round trip added to every answer, apart from server time: it holds no server ' +
            'capacity and no execution time, and a $batch pays it once.',
        ),
      tables: z
        .record(z.string(), z.number().min(0).max(1000))
        .default({})
        .describe(
          'Service-time multiplier per table (logical name): synchronous plug-ins and workflows make some tables dear.',
        ),
    })
    .prefault({}),
  capacity: z
    .int()
    .min(1)
    .nullable()
    .default(null)
    .describe('Operations each web server works on in parallel; more wait in its queue. null: unlimited.'),
  serializedFraction: z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .describe(
      "Share of each operation's service time spent under one lock shared by every web server " +
        "(the database; Amdahl's serial part).",
    ),
  contention: z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .describe(
      "Coherency cost (the universal scalability law's κ): each operation's service time grows by this " +
        'share for every other operation the organization has in progress, queued or served, so ' +
        'throughput falls past the knee instead of levelling off. 0: none.',
    ),
  faults: z.array(faultSpec).default([]),
  plugins: z
    .array(pluginSpec)
    .max(100)
    .default([])
    .describe(
      'Synchronous custom plug-ins: time added to each operation on their table and messages, ' +
        'unless the request bypasses custom logic (MSCRM.BypassCustomPluginExecution: true, or ' +
        'MSCRM.BypassBusinessLogicExecution with CustomSync).',
    ),
});

export type MockConfigInput = z.input<typeof mockConfigSchema>;
export type MockConfig = z.output<typeof mockConfigSchema>;
/** The keys a cost profile sets: what the mock charges for work, and how it scales and throttles. */
export const COST_KEYS = [
  'latency',
  'capacity',
  'serializedFraction',
  'contention',
  'plugins',
  'dopHint',
  'webServers',
  'limits',
] as const;

export type CustomTableConfig = z.output<typeof customTableSchema>;
