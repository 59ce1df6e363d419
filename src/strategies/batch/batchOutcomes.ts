import type { BatchOperationResult, BatchResult } from '../../client/batch/BatchTypes.js';
import type { CallResult } from '../../client/CallResult.js';
import type { DataverseClient } from '../../client/DataverseClient.js';
import { nextQueryPage, type QueryPageBody } from '../../client/queryPaging.js';
import { httpFailure, notRunFailure, thrownFailure } from '../../metrics/failureCause.js';
import type { FailureInput, RequestKind } from '../../metrics/MeasurementSink.js';
import type { OperationOutcome, RequestSample } from '../../metrics/OperationOutcome.js';
import { describeOperation, type PlannedOperation } from '../../operations/PlannedOperation.js';
import { readPages, type PagesRead } from '../executeOperation.js';
import { outcomeOf, sampleOf } from '../operationOutcome.js';
import { unitFailure } from '../unitFailure.js';

/** Why a batched operation failed: not run because the batch stopped, or its part's own error. */
function partFailure(op: PlannedOperation, failed: BatchOperationResult | undefined): FailureInput {
  if (failed?.notRun === true) return notRunFailure(describeOperation(op));
  return httpFailure(describeOperation(op), failed?.status ?? 0, failed?.error);
}

/** The first operation of a group carries the group's one request. */
function carried(index: number, request: RequestSample): RequestSample[] {
  return index === 0 ? [request] : [];
}

/**
 * The outcomes of operations sent in one `$batch` (or one changeset), from its parts' answers.
 * A query part's further pages are read afterwards, as single requests, when it follows paging.
 */
export async function batchOutcomes(
  client: DataverseClient,
  ops: readonly PlannedOperation[],
  result: CallResult & { batch: BatchResult },
  requestKind: RequestKind,
): Promise<OperationOutcome[]> {
  const request = sampleOf(
    result,
    requestKind,
    ops.map((op) => op.workload),
  );
  const outcomes: OperationOutcome[] = [];
  let r = 0;
  for (const [i, op] of ops.entries()) {
    const n = op.kind === 'unit' ? op.creates.length : 1;
    const mine = result.batch.results.slice(r, r + n);
    r += n;
    const ok = mine.length === n && mine.every((x) => x.ok);
    const failed = mine.find((x) => !x.ok);
    if (op.kind === 'unit') outcomes.push(outcomeOf(op, requestKind, unitFailure(op, ok, failed), carried(i, request)));
    else if (op.kind === 'query' && ok) {
      const body = mine[0]?.body as QueryPageBody | undefined;
      const read: PagesRead = { requests: carried(i, request), records: body?.value?.length ?? 0 };
      const next = body === undefined ? undefined : nextQueryPage(op.pathAndQuery, body);
      if (op.followPaging && next !== undefined)
        await readPages(client, op, { path: next, all: true, kind: 'single' }, read);
      outcomes.push(outcomeOf(op, requestKind, read.failure, read.requests, read.records));
    } else outcomes.push(outcomeOf(op, requestKind, ok ? undefined : partFailure(op, failed), carried(i, request)));
  }
  return outcomes;
}

/** The outcomes of operations sent in one bulk message: all or nothing. */
export function bulkOutcomes(ops: readonly PlannedOperation[], result: CallResult): OperationOutcome[] {
  const request = sampleOf(
    result,
    'bulk',
    ops.map((op) => op.workload),
  );
  return ops.map((op, i) =>
    outcomeOf(
      op,
      'bulk',
      result.status < 400 ? undefined : httpFailure(describeOperation(op), result.status, result.error),
      carried(i, request),
    ),
  );
}

/** Every operation of a request that got no answer at all fails with the same cause. */
export function thrownOutcomes(
  ops: readonly PlannedOperation[],
  requestKind: RequestKind,
  error: unknown,
): OperationOutcome[] {
  return ops.map((op) => outcomeOf(op, requestKind, thrownFailure(describeOperation(op), error)));
}
