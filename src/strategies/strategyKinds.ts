import type { z } from 'zod';
import { batchStrategy } from './batch/batchStrategy.js';
import { bulkStrategy } from './batch/bulkStrategy.js';
import { transactionStrategy } from './batch/transactionStrategy.js';
import { adaptiveStrategy } from './pool/adaptiveStrategy.js';
import { asyncStrategy } from './pool/asyncStrategy.js';
import { sequentialStrategy } from './pool/sequentialStrategy.js';
import { processesStrategy } from './workers/processesStrategy.js';
import { threadsStrategy } from './workers/threadsStrategy.js';

/**
 * Every strategy kind dvbench runs, in the order help and error messages list them. A new
 * strategy is its descriptor's file and one line here: the scenario schema, its shorthand,
 * expansion, rules, estimates, aggregation and charts all read this list.
 */
export const strategyKinds = [
  sequentialStrategy,
  asyncStrategy,
  threadsStrategy,
  processesStrategy,
  batchStrategy,
  transactionStrategy,
  bulkStrategy,
  adaptiveStrategy,
] as const;

type Descriptor = (typeof strategyKinds)[number];

/** One concrete strategy, as a scenario's lists expand into them (`workers: [1, 2, 4]` is three). */
export type StrategySpec = ReturnType<Descriptor['expand']>[number];

/** A strategy as a scenario writes it, after defaults and shorthand. */
export type StrategyInput = z.output<Descriptor['schema']>;
