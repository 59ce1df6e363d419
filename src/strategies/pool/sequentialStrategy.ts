import { z } from 'zod';
import { defineStrategy } from '../StrategyDescriptor.js';
import { eventLoopPool } from './eventLoopPool.js';

export interface SequentialSpec {
  readonly kind: 'sequential';
  readonly name: string;
  readonly concurrency: 1;
}

/** `sequential`: one operation at a time, the baseline every speedup is measured against. */
export const sequentialStrategy = defineStrategy({
  kind: 'sequential',
  schema: z.strictObject({ kind: z.literal('sequential') }),
  shorthand: /^sequential$/,
  example: 'sequential',
  fromShorthand: () => ({ kind: 'sequential' as const }),
  expand: (): SequentialSpec[] => [{ kind: 'sequential', name: 'sequential', concurrency: 1 }],
  baseline: true,
  parameters: () => ({}),
  run: eventLoopPool,
});
