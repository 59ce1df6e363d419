import { randomUUID } from 'node:crypto';
import type { PlannedOperation } from '../operations/PlannedOperation.js';

/**
 * The operation for arrival `n` of a workload, from its planned templates: reads, updates and
 * upserts repeat the plan in turn; a create gets a fresh client-chosen key each time (a
 * repeated key would be a duplicate, not load); a script sees its arrival number as index.
 */
export function materializeArrival(templates: readonly PlannedOperation[], n: number): PlannedOperation {
  const op = templates[n % templates.length];
  if (op === undefined) throw new Error('a load workload has no planned operations');
  if (op.kind === 'script') return { ...op, index: n };
  if (op.kind !== 'create') return op;
  const id = randomUUID();
  const record: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(op.record)) record[column] = value === op.id ? id : value;
  return { ...op, id, record };
}
