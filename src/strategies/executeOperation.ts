import { nextQueryPage, queryPrefer, type QueryPageBody } from '../client/queryPaging.js';
import { redact } from '../client/auth/redact.js';
import type { BatchEntryInput, BatchOperation, BatchOperationResult } from '../client/batch/BatchTypes.js';
import type { CallResult } from '../client/CallResult.js';
import type { DataverseClient } from '../client/DataverseClient.js';
import type { FailureInput, MeasurementSink, RequestKind } from '../metrics/MeasurementSink.js';
import { describeOperation, operationTarget, type PlannedOperation } from '../scenario/PlannedOperation.js';
import { runScript } from './runScript.js';

/** How a failure is counted: status and Dataverse code. */
export function errorKind(status: number, code: string | undefined): string {
  return code === undefined || code === '' ? `HTTP ${status}` : `HTTP ${status} ${code}`;
}

const MAX_MESSAGE = 300;

function clip(text: string): string {
  const one = redact(text).replace(/\s+/g, ' ').trim();
  return one.length > MAX_MESSAGE ? `${one.slice(0, MAX_MESSAGE)}…` : one;
}

/** The cause of an HTTP failure, as the server gave it. */
export function httpFailure(
  op: PlannedOperation,
  status: number,
  error: { code: string; message: string } | undefined,
): FailureInput {
  return {
    kind: errorKind(status, error?.code),
    status,
    code: error?.code === undefined || error.code === '' ? null : error.code,
    message: clip(error?.message ?? `HTTP ${status}`),
    firstOperation: describeOperation(op),
  };
}

/** The cause of a call that got no HTTP answer (unreachable target, sign-in refused, retries exhausted). */
export function thrownFailure(op: PlannedOperation, error: unknown): FailureInput {
  // A rejection may carry anything, null and undefined included (a script's `throw null`).
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const name = typeof code === 'string' ? code : 'error';
  return {
    kind: `request failed: ${name}`,
    status: null,
    code: name,
    message: clip(error instanceof Error ? error.message : String(error)),
    firstOperation: describeOperation(op),
  };
}

/** What one operation met, for strategies that adapt (429s and the service time of its last request). */
export interface OperationFeedback {
  throttled: number;
  serviceMs: number;
  /** How the operation ended, once it has: for a caller that times each operation itself (load tests). */
  outcome?: 'ok' | 'failed' | 'cancelled';
}

export function record(
  sink: MeasurementSink,
  result: CallResult,
  kind: RequestKind,
  workloads: readonly number[],
  feedback?: OperationFeedback,
): void {
  sink.recordRequest(result.lastAttemptMs, result.totalMs, result.throttled, { kind, workloads });
  if (feedback !== undefined) {
    feedback.throttled += result.throttled;
    feedback.serviceMs = result.lastAttemptMs;
  }
}

/** Counts one operation's outcome: ok, or failed with its cause. One cancelled by a stopping run is neither. */
export function recordOutcome(
  sink: MeasurementSink,
  op: PlannedOperation,
  requestKind: RequestKind,
  failure: FailureInput | undefined,
  feedback?: OperationFeedback,
): void {
  if (feedback !== undefined)
    feedback.outcome = failure === undefined ? 'ok' : failure.code === 'DVB_ERR_CANCELLED' ? 'cancelled' : 'failed';
  if (failure?.code === 'DVB_ERR_CANCELLED') return;
  const where = { workload: op.workload, requestKind };
  if (failure === undefined) sink.recordOperations(op.ops, 0, where);
  else
    sink.recordOperations(
      0,
      op.ops,
      where,
      failure,
      op.kind === 'query' || op.kind === 'retrieve' ? [] : [operationTarget(op)],
    );
}

/** Runs an operation and reports what it met; the measurements go to the sink as usual. */
export async function executeWithFeedback(
  client: DataverseClient,
  op: PlannedOperation,
  sink: MeasurementSink,
): Promise<OperationFeedback> {
  const feedback: OperationFeedback = { throttled: 0, serviceMs: 0 };
  await executeOperation(client, op, sink, undefined, feedback);
  return feedback;
}

/** A unit that was planned to fail and did, rolled back, is the expected outcome, not an error. */
function unitOutcome(op: Extract<PlannedOperation, { kind: 'unit' }>, ok: boolean): boolean {
  return op.shouldFail ? !ok : ok;
}

/**
 * A unit's outcome: as planned (created, or rolled back when it was planned to fail), or
 * failed with what its changeset met.
 */
function recordUnit(
  sink: MeasurementSink,
  op: Extract<PlannedOperation, { kind: 'unit' }>,
  requestKind: RequestKind,
  ok: boolean,
  failed: { status: number; error?: { code: string; message: string } } | undefined,
  feedback?: OperationFeedback,
): void {
  if (unitOutcome(op, ok)) {
    recordOutcome(sink, op, requestKind, undefined, feedback);
    return;
  }
  const status = failed?.status ?? 0;
  const message = op.shouldFail ? 'the unit planned to fail was not rolled back' : `HTTP ${status}`;
  recordOutcome(sink, op, requestKind, httpFailure(op, status, failed?.error ?? { code: '', message }), feedback);
}

/** The changeset that carries one transactional unit. */
export function unitChangeset(op: Extract<PlannedOperation, { kind: 'unit' }>): BatchEntryInput {
  return {
    changeset: op.creates.map((c, i): BatchOperation => ({
      method: 'POST',
      url: c.set,
      body: c.record,
      contentId: String(i + 1),
    })),
  };
}

/** A single operation as a `$batch` part (units are changesets). */
export function toBatchEntry(op: PlannedOperation): BatchEntryInput {
  switch (op.kind) {
    case 'retrieve':
      return { method: 'GET', url: `${op.set}(${op.id})${op.query === '' ? '' : `?${op.query}`}` };
    case 'query':
      return {
        method: 'GET',
        url: op.pathAndQuery,
        headers: { Prefer: queryPrefer(op.pathAndQuery, op.pageSize) ?? '' },
      };
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
    case 'script':
      // The scenario check refuses batch, transaction and bulk strategies for script workloads.
      throw new Error('a script operation cannot be a $batch part');
  }
}

async function followPages(
  client: DataverseClient,
  op: Extract<PlannedOperation, { kind: 'query' }>,
  nextLink: string | undefined,
  sink: MeasurementSink,
  kind: RequestKind,
  identity: number | undefined,
): Promise<FailureInput | undefined> {
  if (nextLink === undefined) return undefined;
  for await (const page of client.queryPages(nextLink, {
    maxPageSize: op.pageSize,
    ...(identity === undefined ? {} : { identity }),
  })) {
    record(sink, page, kind, [op.workload]);
    sink.records += page.records;
    if (page.status !== 200) return httpFailure(op, page.status, page.error);
  }
  return undefined;
}

async function runSingle(
  client: DataverseClient,
  op: Exclude<PlannedOperation, { kind: 'query' | 'unit' | 'script' }>,
  pin: { identity?: number },
): Promise<CallResult> {
  switch (op.kind) {
    case 'retrieve':
      return client.retrieve(op.set, op.id, op.query, pin);
    case 'create':
      return client.create(op.set, { ...op.record }, { idempotent: true, ...pin });
    case 'update':
      return client.update(op.set, op.id, { ...op.changes }, pin);
    case 'upsert':
      return client.upsert(op.set, op.keyText, { ...op.record }, pin);
    case 'delete':
      return client.delete(op.set, op.id, pin);
  }
}

/**
 * Runs one planned operation as single requests (a unit as one changeset) and records every
 * request and the operation's outcome. Never throws for a failure: it is counted, with its cause.
 */
export async function executeOperation(
  client: DataverseClient,
  op: PlannedOperation,
  sink: MeasurementSink,
  identity?: number,
  feedback?: OperationFeedback,
  worker?: number,
): Promise<void> {
  const pin = identity === undefined ? {} : { identity };
  if (op.kind === 'script') await runScript(client, op, sink, { ...pin, worker: worker ?? identity ?? 0 }, feedback);
  else await executePlanned(client, op, sink, pin, feedback);
}

async function executePlanned(
  client: DataverseClient,
  op: Exclude<PlannedOperation, { kind: 'script' }>,
  sink: MeasurementSink,
  pin: { identity?: number },
  feedback: OperationFeedback | undefined,
): Promise<void> {
  const requestKind: RequestKind = op.kind === 'unit' ? 'changeset' : 'single';
  try {
    if (op.kind === 'query') {
      let failure: FailureInput | undefined;
      let first = true;
      for await (const page of client.queryPages(op.pathAndQuery, { maxPageSize: op.pageSize, ...pin })) {
        record(sink, page, requestKind, [op.workload], feedback);
        sink.records += page.records;
        if (page.status !== 200) failure = httpFailure(op, page.status, page.error);
        if (!op.followPaging && first) break;
        first = false;
      }
      recordOutcome(sink, op, requestKind, failure, feedback);
      return;
    }
    if (op.kind === 'unit') {
      // Every create in a unit carries its client-chosen key: the changeset is safe to send again.
      const batch = await client.batch([unitChangeset(op)], { ...pin, idempotent: true });
      record(sink, batch, requestKind, [op.workload], feedback);
      const ok = batch.batch.failed === 0 && batch.status < 400;
      recordUnit(
        sink,
        op,
        requestKind,
        ok,
        batch.batch.results.find((r) => !r.ok) ?? {
          status: batch.status,
          ...(batch.error === undefined ? {} : { error: batch.error }),
        },
        feedback,
      );
      return;
    }
    const result = await runSingle(client, op, pin);
    record(sink, result, requestKind, [op.workload], feedback);
    recordOutcome(
      sink,
      op,
      requestKind,
      result.status < 400 ? undefined : httpFailure(op, result.status, result.error),
      feedback,
    );
  } catch (error) {
    recordOutcome(sink, op, requestKind, thrownFailure(op, error), feedback);
  }
}

/** Why a batched operation failed: not run because the batch stopped, or its part's own error. */
function batchPartFailure(op: PlannedOperation, failed: BatchOperationResult | undefined): FailureInput {
  if (failed?.notRun === true)
    return {
      kind: 'not run (batch stopped)',
      status: null,
      code: null,
      message: 'an earlier part of the $batch failed and continue-on-error was off',
      firstOperation: describeOperation(op),
    };
  return httpFailure(op, failed?.status ?? 0, failed?.error);
}

/** Counts the outcome of operations sent inside a `$batch`, following query pages after the batch. */
export async function recordBatchOutcome(
  client: DataverseClient,
  ops: readonly PlannedOperation[],
  results: readonly BatchOperationResult[],
  sink: MeasurementSink,
  requestKind: RequestKind,
  identity?: number,
): Promise<void> {
  let r = 0;
  for (const op of ops) {
    const n = op.kind === 'unit' ? op.creates.length : 1;
    const mine = results.slice(r, r + n);
    r += n;
    const ok = mine.length === n && mine.every((x) => x.ok);
    const failed = mine.find((x) => !x.ok);
    if (op.kind === 'unit') recordUnit(sink, op, requestKind, ok, failed);
    else if (op.kind === 'query' && ok) {
      const body = mine[0]?.body as QueryPageBody | undefined;
      sink.records += body?.value?.length ?? 0;
      const next = body === undefined ? undefined : nextQueryPage(op.pathAndQuery, body);
      const paging = op.followPaging ? await followPages(client, op, next, sink, 'single', identity) : undefined;
      recordOutcome(sink, op, requestKind, paging);
    } else recordOutcome(sink, op, requestKind, ok ? undefined : batchPartFailure(op, failed));
  }
}

/** Every operation of a failed request (no answer at all) fails with the same cause. */
export function recordThrown(
  sink: MeasurementSink,
  ops: readonly PlannedOperation[],
  requestKind: RequestKind,
  error: unknown,
): void {
  for (const op of ops) recordOutcome(sink, op, requestKind, thrownFailure(op, error));
}
