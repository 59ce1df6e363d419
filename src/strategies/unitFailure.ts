import { httpFailure } from '../metrics/failureCause.js';
import type { FailureInput } from '../metrics/MeasurementSink.js';
import { describeOperation, type PlannedOperation } from '../operations/PlannedOperation.js';

type UnitOp = Extract<PlannedOperation, { kind: 'unit' }>;

/**
 * A unit's failure, if it has one. A unit planned to fail that did (rolled back) is the expected
 * outcome, not an error; one that was not rolled back, or an ordinary unit whose changeset
 * failed, fails with what the changeset met.
 */
export function unitFailure(
  op: UnitOp,
  ok: boolean,
  failed: { status: number; error?: { code: string; message: string } } | undefined,
): FailureInput | undefined {
  if (op.shouldFail ? !ok : ok) return undefined;
  const status = failed?.status ?? 0;
  const message = op.shouldFail ? 'the unit planned to fail was not rolled back' : `HTTP ${status}`;
  return httpFailure(describeOperation(op), status, failed?.error ?? { code: '', message });
}
