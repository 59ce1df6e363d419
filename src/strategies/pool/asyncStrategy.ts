import { z } from 'zod';
import { counts, oneCount } from '../countLists.js';
import { defineStrategy } from '../StrategyDescriptor.js';
import { eventLoopPool } from './eventLoopPool.js';

/** `async:N`: N operations in flight on one event loop. */
export const asyncStrategy = defineStrategy({
  kind: 'async',
  schema: z.strictObject({
    kind: z.literal('async'),
    workers: counts.describe('Concurrent operations on one event loop.'),
  }),
  ...oneCount('async', 'workers', 8),
  run: eventLoopPool,
});
