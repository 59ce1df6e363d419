import type { RequestKind } from '../metrics/MeasurementSink.js';
import type { PlannedOperation } from '../operations/PlannedOperation.js';

/** One request a strategy sends: how it is framed and the planned operations it carries. */
export interface RequestGroup {
  readonly kind: RequestKind;
  readonly ops: readonly PlannedOperation[];
}

/** An operation sent on its own: a unit is a changeset in its own $batch. */
export const alone = (op: PlannedOperation): RequestGroup => ({
  kind: op.kind === 'unit' ? 'changeset' : 'single',
  ops: [op],
});

/** One group per operation, made as they are read: a plan of millions is not held twice. */
export function* eachAlone(
  ops: readonly PlannedOperation[],
  group: (op: PlannedOperation) => RequestGroup = alone,
): Generator<RequestGroup> {
  for (const op of ops) yield group(op);
}
