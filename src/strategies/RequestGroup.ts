import type { RequestKind } from '../metrics/MeasurementSink.js';
import type { PlannedOperation } from '../scenario/PlannedOperation.js';

/** One request a strategy sends: how it is framed and the planned operations it carries. */
export interface RequestGroup {
  readonly kind: RequestKind;
  readonly ops: readonly PlannedOperation[];
}
