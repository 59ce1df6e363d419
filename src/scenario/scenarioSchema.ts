import { z } from 'zod';
import { strategySchema } from '../strategies/strategySchema.js';
import { mockConfigSchema } from '../../mock-server/index.js';
import { loadSchema } from './loadSchema.js';

const tableName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a table logical name (lower case), e.g. account');
/** Operations one plan may hold: beyond it the plan alone would not fit a 2-core, few-GB CI machine. */
export const MAX_PLANNED_OPERATIONS = 1_000_000;
/** Dataverse's default and largest page. */
export const MAX_PAGE_SIZE = 5000;
/** Records one scenario may seed (the mock's own limit per seed request). */
export const MAX_SEEDED_RECORDS = 500_000;

const count = z
  .int()
  .min(1)
  .max(MAX_PLANNED_OPERATIONS)
  .describe('How many operations (or units) this workload plans.');
const columnValues = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .describe('Column values; in strings, {i} is the operation number and {seed} the scenario seed.');

/** What every workload on one table starts with: its kind, an optional name for reports, the table and the count. */
function tableWorkload<K extends string>(kind: K) {
  return { kind: z.literal(kind), name: z.string().optional(), table: tableName, count };
}

const readWorkload = z.strictObject({
  ...tableWorkload('read'),
  mode: z
    .enum(['query', 'retrieve'])
    .default('query')
    .describe('query: a filtered collection query; retrieve: one record by id each.'),
  select: z.array(z.string()).optional(),
  filter: z.string().optional().describe('An OData $filter expression.'),
  dateRange: z
    .enum(['today', 'yesterday', 'thisMonth', 'lastMonth', 'thisYear', 'last7Days', 'last30Days'])
    .optional()
    .describe('Restricts createdon to a range, combined with filter by "and".'),
  orderBy: z.string().optional(),
  expand: z
    .string()
    .optional()
    .describe(
      'An OData $expand: single-valued navigation properties, or collection-valued ones ' +
        '(relationships) with $select, $filter, $orderby and $top inside, e.g. ' +
        'contact_customer_accounts($select=fullname;$top=10).',
    ),
  fetchXml: z
    .string()
    .min(1)
    .optional()
    .describe(
      'The query in FetchXML instead of select, filter, orderBy, expand and dateRange (mode ' +
        'query only); its <entity> must be the table. Its count attribute sets the page size ' +
        '(pageSize does not apply), and followPaging follows the paging cookie.',
    ),
  apply: z
    .string()
    .min(1)
    .optional()
    .describe(
      'An OData $apply aggregation instead of select, filter, orderBy, expand and dateRange ' +
        '(mode query only): filter(…), groupby((…),aggregate(…)) or aggregate(…), joined by /, ' +
        'e.g. groupby((address1_city),aggregate($count as n)).',
    ),
  pageSize: z.int().min(1).max(MAX_PAGE_SIZE).default(MAX_PAGE_SIZE),
  followPaging: z
    .boolean()
    .default(true)
    .describe('Read every page of each query (@odata.nextLink), or only the first.'),
});

const updateWorkload = z.strictObject({
  ...tableWorkload('update'),
  set: columnValues,
  filter: z
    .string()
    .optional()
    .describe('Update records matching this $filter (else any seeded records); each record is updated once.'),
});

const insertWorkload = z.strictObject({
  ...tableWorkload('insert'),
  values: columnValues,
  lookups: z
    .record(z.string(), tableName)
    .default({})
    .describe(
      'Navigation property → table: each record binds to a seeded record of that table, e.g. ' +
        'parentcustomerid_account: account.',
    ),
});

const deleteWorkload = z.strictObject({
  ...tableWorkload('delete'),
  filter: z.string().optional(),
});

const upsertWorkload = z.strictObject({
  ...tableWorkload('upsert'),
  key: z
    .string()
    .describe('The alternate key column, e.g. accountnumber; values are "{key}-{i}", half of them existing.'),
  values: columnValues,
});

const transactionalWorkload = z.strictObject({
  kind: z.literal('transactional'),
  name: z.string().optional(),
  count: count.describe('How many units (e.g. quotes with their lines).'),
  unit: z
    .literal('quote-with-lines')
    .default('quote-with-lines')
    .describe('A quote and its lines, created all or nothing.'),
  linesPerUnit: z.int().min(1).max(999).default(5),
  failureRate: z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .describe(
      'Share of units whose last line is made invalid on purpose, to prove the rollback leaves nothing behind.',
    ),
});

const mixedWorkload = z.strictObject({
  ...tableWorkload('mixed'),
  weights: z
    .strictObject({
      read: z.number().min(0).default(0),
      update: z.number().min(0).default(0),
      insert: z.number().min(0).default(0),
      delete: z.number().min(0).default(0),
    })
    .describe('Relative weights of single-record reads, updates, inserts and deletes.'),
  values: columnValues.default({}),
});

const scriptWorkload = z.strictObject({
  kind: z.literal('script'),
  name: z.string().optional(),
  module: z
    .string()
    .min(1)
    .describe(
      "Your own code: an ES module (path from the scenario's folder) whose default export is " +
        'async function (ctx), run once per operation.',
    ),
  count: count.describe('How many times the function runs (operations).'),
  sends: z
    .array(z.enum(['read', 'create', 'update', 'upsert', 'delete']))
    .min(1)
    .max(100)
    .default(['read'])
    .describe(
      "What one call sends, in order (e.g. [create, update]), for estimates only: the dry run's " +
        'requests and time, and the progress ETA. It changes nothing at run time; unset, one read.',
    ),
  cleanupSends: z
    .array(z.enum(['read', 'create', 'update', 'upsert', 'delete']))
    .max(100)
    .default([])
    .describe(
      "What the module's cleanup export sends for each operation, one request at a time after " +
        "every repetition (e.g. [delete]), for the dry run's time only. Unset: nothing.",
    ),
});

const workloadSchema = z.discriminatedUnion('kind', [
  readWorkload,
  updateWorkload,
  insertWorkload,
  deleteWorkload,
  upsertWorkload,
  transactionalWorkload,
  mixedWorkload,
  scriptWorkload,
]);

export const thresholdSchema = z.strictObject({
  strategy: z.string().describe('A strategy name as reported, e.g. async:8 or batch:100x2.'),
  workload: z
    .union([z.int().min(0), z.string().min(1)])
    .optional()
    .describe('Only this workload (its index from 0, or its name): operations, errors and latency of its requests.'),
  requestKind: z
    .enum(['single', 'batch', 'changeset', 'bulk'])
    .optional()
    .describe('Only requests of this kind (latency metrics, requests, errors).'),
  metric: z.enum([
    'speedup',
    'efficiency',
    'opsPerSec',
    'requestsPerSec',
    'p50',
    'p90',
    'p95',
    'p99',
    'max',
    'errors',
    'errorRate',
    'throttled',
    'retries',
    'wallMs',
  ]),
  op: z.enum(['<', '<=', '>', '>=', '==']),
  value: z.number(),
});

export const scenarioSchema = z.strictObject({
  name: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
      'must be letters, digits, dot, dash or underscore (it names the output folder)',
    ),
  description: z.string().default(''),
  target: z
    .union([
      z.literal('mock'),
      z.strictObject({ url: z.url().describe('An org URL; credentials come from the environment.') }),
    ])
    .default('mock'),
  mock: mockConfigSchema
    .prefault({})
    .describe("The embedded mock's configuration: the same block as a `dvbench mock --config` file."),
  seed: z.int().default(1),
  data: z
    .record(tableName, z.int().min(0).max(MAX_SEEDED_RECORDS))
    .default({})
    .describe(
      `Records generated per table before each repetition, in this order (lookups point at ` +
        `tables listed earlier); at most ${MAX_SEEDED_RECORDS} in all.`,
    ),
  workloads: z.array(workloadSchema).min(1),
  strategies: z
    .array(strategySchema)
    .default([])
    .describe('The strategies to compare (a benchmark); a load test has a load section instead.'),
  load: loadSchema
    .optional()
    .describe(
      'A load test instead of a benchmark: arrivals at planned rates in stages, a weighted mix ' +
        'of the workloads, objectives over time windows.',
    ),
  phases: z
    .boolean()
    .default(false)
    .describe(
      "true: the workloads run as the phases of a job, in the file's order, each to its end " +
        'before the next (import accounts, then contacts that look them up, then an update ' +
        'pass), each timed on its own and in total; a later phase may read, update or delete ' +
        'records an earlier one inserted. false: their operations are interleaved, as a mixed load arrives.',
    ),
  repetitions: z.int().min(1).max(100).default(3),
  warmup: z.int().min(0).max(20).default(1),
  connections: z
    .int()
    .min(1)
    .max(1024)
    .optional()
    .describe("HTTP connections per client; default: the strategy's concurrency."),
  bypassCustomLogic: z
    .boolean()
    .default(false)
    .describe(
      'Send MSCRM.BypassCustomPluginExecution: true on every request: Dataverse then skips ' +
        'custom synchronous plug-ins (the user needs the prvBypassCustomPlugins privilege on an ' +
        'org). Run the scenario with and without it to measure what the plug-ins cost.',
    ),
  affinityCookie: z
    .boolean()
    .default(false)
    .describe(
      "Keep the ARRAffinity cookie, as browsers and the SDK's ServiceClient do by default: each " +
        'client (the pool, or each thread or process) then stays on one web server and meets ' +
        'its limits alone. Default false: dropped, as Microsoft advises for throughput.',
    ),
  identities: z
    .int()
    .min(1)
    .max(64)
    .default(1)
    .describe('On the mock: how many application users share the load (limits are per user).'),
  thresholds: z.array(thresholdSchema).default([]),
  maxErrorRate: z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .describe(
      'Share of operations that may fail before a strategy is failed (exit 1); up to it the ' +
        'strategy is degraded. Default 0: any failure fails the run.',
    ),
  failFast: z
    .int()
    .min(0)
    .max(MAX_PLANNED_OPERATIONS)
    .default(10)
    .describe(
      'Abort a strategy, saying why, when its first N operations all fail (0: never). An ' +
        'unreachable target or a refused sign-in stops the run at once.',
    ),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type Workload = z.output<typeof workloadSchema>;
