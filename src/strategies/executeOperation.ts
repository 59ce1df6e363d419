import type { BatchEntryInput, BatchOperation, BatchOperationResult } from '../client/batch/BatchTypes.js';
import type { CallResult } from '../client/CallResult.js';
import type { DataverseClient } from '../client/DataverseClient.js';
import type { MeasurementSink } from '../metrics/MeasurementSink.js';
import type { PlannedOperation } from '../scenario/PlannedOperation.js';

/** How a failure is counted: status and Dataverse code, or the connection error. */
export function errorKind(status: number, code: string | undefined): string {
  return code === undefined || code === '' ? `HTTP ${status}` : `HTTP ${status} ${code}`;
}

/** What one operation met, for strategies that adapt (429s and the service time of its last request). */
export interface OperationFeedback {
  throttled: number;
  serviceMs: number;
}

function record(sink: MeasurementSink, result: CallResult, feedback?: OperationFeedback): void {
  sink.recordRequest(result.lastAttemptMs, result.totalMs, result.throttled);
  if (feedback !== undefined) {
    feedback.throttled += result.throttled;
    feedback.serviceMs = result.lastAttemptMs;
  }
}

/** Runs an operation and reports what it met; the measurements go to the sink as usual. */
export async function executeWithFeedback(client: DataverseClient, op: PlannedOperation, sink: MeasurementSink): Promise<OperationFeedback> {
  const feedback: OperationFeedback = { throttled: 0, serviceMs: 0 };
  await executeOperation(client, op, sink, undefined, feedback);
  return feedback;
}

/** A unit that was planned to fail and did, rolled back, is the expected outcome, not an error. */
function unitOutcome(op: Extract<PlannedOperation, { kind: 'unit' }>, ok: boolean): boolean {
  return op.shouldFail ? !ok : ok;
}

/** The changeset that carries one transactional unit. */
export function unitChangeset(op: Extract<PlannedOperation, { kind: 'unit' }>): BatchEntryInput {
  return { changeset: op.creates.map((c, i): BatchOperation => ({ method: 'POST', url: c.set, body: c.record, contentId: String(i + 1) })) };
}

/** A single operation as a `$batch` part (units are changesets). */
export function toBatchEntry(op: PlannedOperation): BatchEntryInput {
  switch (op.kind) {
    case 'retrieve':
      return { method: 'GET', url: `${op.set}(${op.id})${op.query === '' ? '' : `?${op.query}`}` };
    case 'query':
      return { method: 'GET', url: op.pathAndQuery, headers: { Prefer: `odata.maxpagesize=${op.pageSize}` } };
    case 'create':
      return { method: 'POST', url: op.set, body: op.record };
    case 'update':
      return { method: 'PATCH', url: `${op.set}(${op.id})`, body: op.changes, headers: { 'If-Match': '*' } };
    case 'upsert':
      return { method: 'PATCH', url: `${op.set}(${op.keyText})`, body: op.record };
    case 'delete':
      return { method: 'DELETE', url: `${op.set}(${op.id})` };
    case 'unit':
      return unitChangeset(op);
  }
}

async function followPages(client: DataverseClient, nextLink: string | undefined, pageSize: number, sink: MeasurementSink, identity: number | undefined): Promise<boolean> {
  if (nextLink === undefined) return true;
  for await (const page of client.queryPages(nextLink, { maxPageSize: pageSize, ...(identity === undefined ? {} : { identity }) })) {
    record(sink, page);
    sink.records += page.records;
    if (page.status !== 200) return false;
  }
  return true;
}

/**
 * Runs one planned operation as single requests (a unit as one changeset) and records every
 * request and the operation's outcome. Never throws for an HTTP failure: it is counted.
 */
export async function executeOperation(client: DataverseClient, op: PlannedOperation, sink: MeasurementSink, identity?: number, feedback?: OperationFeedback): Promise<void> {
  const pin = identity === undefined ? {} : { identity };
  try {
    let result: CallResult;
    switch (op.kind) {
      case 'retrieve':
        result = await client.retrieve(op.set, op.id, op.query, pin);
        break;
      case 'query': {
        let ok = true;
        let first = true;
        for await (const page of client.queryPages(op.pathAndQuery, { maxPageSize: op.pageSize, ...pin })) {
          record(sink, page, feedback);
          sink.records += page.records;
          ok = page.status === 200;
          if (!ok) sink.recordOperations(0, 1, [errorKind(page.status, page.error?.code)]);
          if (!op.followPaging && first) break;
          first = false;
        }
        if (ok) sink.recordOperations(1, 0);
        return;
      }
      case 'create':
        result = await client.create(op.set, { ...op.record }, { idempotent: true, ...pin });
        break;
      case 'update':
        result = await client.update(op.set, op.id, { ...op.changes }, pin);
        break;
      case 'upsert':
        result = await client.upsert(op.set, op.keyText, { ...op.record }, pin);
        break;
      case 'delete':
        result = await client.delete(op.set, op.id, pin);
        break;
      case 'unit': {
        const batch = await client.batch([unitChangeset(op)], pin);
        record(sink, batch, feedback);
        const ok = batch.batch.failed === 0 && batch.status === 200;
        if (unitOutcome(op, ok)) sink.recordOperations(op.ops, 0);
        else sink.recordOperations(0, op.ops, [errorKind(batch.status, batch.batch.results.find((r) => !r.ok)?.error?.code)]);
        return;
      }
    }
    record(sink, result, feedback);
    if (result.status < 400) sink.recordOperations(1, 0);
    else sink.recordOperations(0, 1, [errorKind(result.status, result.error?.code)]);
  } catch (error) {
    sink.recordOperations(0, op.ops, [`request failed: ${(error as { code?: string }).code ?? 'error'}`]);
  }
}

/** Counts the outcome of operations sent inside a `$batch`, following query pages after the batch. */
export async function recordBatchOutcome(
  client: DataverseClient,
  ops: readonly PlannedOperation[],
  results: readonly BatchOperationResult[],
  sink: MeasurementSink,
  identity?: number,
): Promise<void> {
  let r = 0;
  for (const op of ops) {
    const n = op.kind === 'unit' ? op.creates.length : 1;
    const mine = results.slice(r, r + n);
    r += n;
    const ok = mine.length === n && mine.every((x) => x.ok);
    if (op.kind === 'unit') {
      if (unitOutcome(op, ok)) sink.recordOperations(op.ops, 0);
      else sink.recordOperations(0, op.ops, [errorKind(mine[0]?.status ?? 0, mine.find((x) => !x.ok)?.error?.code)]);
      continue;
    }
    if (op.kind === 'query' && ok) {
      const body = mine[0]?.body as { value?: unknown[]; '@odata.nextLink'?: string } | undefined;
      sink.records += body?.value?.length ?? 0;
      const pagesOk = op.followPaging ? await followPages(client, body?.['@odata.nextLink'], op.pageSize, sink, identity) : true;
      if (pagesOk) sink.recordOperations(1, 0);
      else sink.recordOperations(0, 1, ['query paging failed']);
      continue;
    }
    const failed = mine.find((x) => !x.ok);
    if (ok) sink.recordOperations(1, 0);
    else sink.recordOperations(0, 1, [failed?.notRun === true ? 'not run (batch stopped)' : errorKind(failed?.status ?? 0, failed?.error?.code)]);
  }
}
