import { z } from 'zod';

const counts = z.union([z.int().min(1).max(4096), z.array(z.int().min(1).max(4096)).min(1)]);

/**
 * The names dvbench prints are accepted as shorthand: `async:8`, `threads:4`, `processes:4`,
 * `batch:100x2` (`:stop` for stop-on-error), `transaction:4`, `bulk:100x2`, `adaptive:64`; and
 * `batch:100`, `bulk:100` for one in flight, as the object form defaults.
 */
const STRATEGY_SHORTHAND =
  /^(sequential|(async|threads|processes|transaction|adaptive):(\d+)|(batch|bulk):(\d+)(?:x(\d+))?(:stop)?)$/;

function expandShorthand(text: string): unknown {
  const m = STRATEGY_SHORTHAND.exec(text);
  if (m === null) return text;
  if (m[1] === 'sequential') return 'sequential';
  const kind = m[2] ?? m[4];
  const n = Number(m[3]);
  switch (kind) {
    case 'async':
    case 'threads':
    case 'processes':
      return { kind, workers: n };
    case 'transaction':
      return { kind, inFlight: n };
    case 'adaptive':
      return { kind, max: n };
    default:
      return {
        kind,
        size: Number(m[5]),
        ...(m[6] === undefined ? {} : { inFlight: Number(m[6]) }),
        ...(kind === 'batch' ? { continueOnError: m[7] === undefined } : {}),
      };
  }
}

const STRATEGY_KINDS = [
  'sequential',
  'async',
  'threads',
  'processes',
  'batch',
  'transaction',
  'bulk',
  'adaptive',
] as const;

const strategyObject = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('sequential') }),
    z.strictObject({ kind: z.literal('async'), workers: counts.describe('Concurrent operations on one event loop.') }),
    z.strictObject({
      kind: z.literal('threads'),
      workers: counts.describe('worker_threads, each with its own HTTP client, one operation at a time each.'),
    }),
    z.strictObject({
      kind: z.literal('processes'),
      workers: counts.describe('Child processes, each with its own HTTP client (like ProcessPoolExecutor).'),
    }),
    z.strictObject({
      kind: z.literal('batch'),
      size: counts.describe('Operations per $batch (at most 1000).'),
      inFlight: counts.default(1).describe('$batch requests in flight at once.'),
      continueOnError: z.boolean().default(true),
    }),
    z.strictObject({
      kind: z.literal('transaction'),
      inFlight: counts.default(1).describe('Changesets in flight at once.'),
    }),
    z.strictObject({
      kind: z.literal('adaptive'),
      max: z.int().min(1).max(4096).default(64).describe('Upper bound of concurrency.'),
      start: z.int().min(1).max(4096).optional().describe("Starting concurrency; default: the server's x-ms-dop-hint."),
    }),
    z.strictObject({
      kind: z.literal('bulk'),
      size: counts.describe('Records per CreateMultiple / UpdateMultiple / UpsertMultiple.'),
      inFlight: counts.default(1),
    }),
  ],
  { error: () => `a strategy's kind must be one of ${STRATEGY_KINDS.join(', ')}` },
);

export const strategySchema = z.preprocess(
  (v) => (typeof v === 'string' ? expandShorthand(v) : v),
  z.union([z.literal('sequential'), strategyObject], {
    error: (issue) => {
      const kind =
        typeof issue.input === 'object' && issue.input !== null ? (issue.input as { kind?: unknown }).kind : undefined;
      if (typeof issue.input === 'string') {
        return (
          `'${issue.input}' is not a strategy: write sequential, a shorthand such as ` +
          `async:8, threads:4, processes:4, batch:100x2, transaction:4, bulk:100x2, ` +
          `adaptive:64, or an object such as { kind: async, workers: 8 } (kinds: ${STRATEGY_KINDS.join(', ')})`
        );
      }
      if (!STRATEGY_KINDS.includes(kind as never))
        return `kind ${JSON.stringify(kind ?? null)} is not a strategy kind; kinds: ${STRATEGY_KINDS.join(', ')}`;
      return undefined;
    },
  }),
);

export type StrategyInput = z.output<typeof strategySchema>;
