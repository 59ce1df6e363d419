import { z } from 'zod';
import { asList, counts } from '../countLists.js';
import { eachAlone } from '../RequestGroup.js';
import { defineStrategy } from '../StrategyDescriptor.js';
import { eventLoopPool } from './eventLoopPool.js';

export interface AsyncSpec {
  readonly kind: 'async';
  readonly name: string;
  readonly workers: number;
  readonly concurrency: number;
}

/** `async:N`: N operations in flight on one event loop. */
export const asyncStrategy = defineStrategy({
  kind: 'async',
  schema: z.strictObject({
    kind: z.literal('async'),
    workers: counts.describe('Concurrent operations on one event loop.'),
  }),
  shorthand: /^async:(\d+)$/,
  example: 'async:8',
  fromShorthand: (m) => ({ kind: 'async' as const, workers: Number(m[1]) }),
  expand: (s) =>
    asList(s.workers).map((workers): AsyncSpec => ({
      kind: 'async',
      name: `async:${workers}`,
      workers,
      concurrency: workers,
    })),
  runsScripts: true,
  perWorkerEfficiency: true,
  parameters: (s) => ({ workers: s.workers }),
  requestGroups: (_s, ops) => eachAlone(ops),
  requestKind: 'single',
  chartFamily: 'workers',
  run: eventLoopPool,
});
