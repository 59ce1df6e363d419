import type { CallResult } from '../client/CallResult.js';
import { orgTime } from '../../protocol/timeCompression.js';
import { CANCELLED } from '../metrics/failureCause.js';
import type { FailureInput, RequestKind } from '../metrics/MeasurementSink.js';
import type { OperationOutcome, RequestSample } from '../metrics/OperationOutcome.js';
import { operationTarget, type PlannedOperation } from '../operations/PlannedOperation.js';

/** A client call's timings as a request sample. */
export function sampleOf(
  result: Pick<CallResult, 'lastAttemptMs' | 'totalMs' | 'throttled' | 'waited' | 'lastAttemptWaited'>,
  kind: RequestKind,
  workloads: readonly number[],
): RequestSample {
  return {
    serviceMs: result.lastAttemptMs,
    responseMs: result.totalMs,
    org: {
      responseMs: orgTime(result.totalMs, result.waited),
      serviceMs: orgTime(result.lastAttemptMs, result.lastAttemptWaited),
    },
    throttled: result.throttled,
    kind,
    workloads,
  };
}

/** One operation's outcome: ok without a failure, cancelled when the run stopped it, failed otherwise. */
export function outcomeOf(
  op: PlannedOperation,
  requestKind: RequestKind,
  failure: FailureInput | undefined,
  requests: readonly RequestSample[] = [],
  records = 0,
): OperationOutcome {
  const base = { workload: op.workload, ops: op.ops, requestKind, requests, records };
  if (failure === undefined) return { ...base, state: 'ok' };
  if (failure.code === CANCELLED) return { ...base, state: 'cancelled' };
  const failedIds = op.kind === 'query' || op.kind === 'retrieve' ? [] : [operationTarget(op)];
  return { ...base, state: 'failed', cause: failure, failedIds };
}
