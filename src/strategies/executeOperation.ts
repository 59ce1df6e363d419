import type { CallResult } from '../client/CallResult.js';
import type { DataverseClient } from '../client/DataverseClient.js';
import { httpFailure, thrownFailure } from '../metrics/failureCause.js';
import type { FailureInput, RequestKind } from '../metrics/MeasurementSink.js';
import type { OperationOutcome, RequestSample } from '../metrics/OperationOutcome.js';
import { describeOperation, type PlannedOperation } from '../operations/PlannedOperation.js';
import { outcomeOf, sampleOf } from './operationOutcome.js';
import { runScript } from './runScript.js';
import { unitChangeset } from './batch/toBatchEntry.js';
import { unitFailure } from './unitFailure.js';

/** Which application user sends an operation, and which worker slot runs it (a script reads it). */
export interface Pin {
  readonly identity?: number;
  readonly worker?: number;
}

/** What the requests of an operation read, page by page. */
export interface PagesRead {
  readonly requests: RequestSample[];
  records: number;
  failure?: FailureInput;
}

/**
 * Reads a query's pages from `first` (its own path, or the next link of a page a `$batch`
 * returned), into `read`; only the first page unless `all`.
 */
export async function readPages(
  client: DataverseClient,
  op: Extract<PlannedOperation, { kind: 'query' }>,
  from: { path: string; all: boolean; kind: RequestKind; identity?: number | undefined },
  read: PagesRead,
): Promise<void> {
  const pin = from.identity === undefined ? {} : { identity: from.identity };
  for await (const page of client.queryPages(from.path, { maxPageSize: op.pageSize, ...pin })) {
    read.requests.push(sampleOf(page, from.kind, [op.workload]));
    read.records += page.records;
    if (page.status !== 200) read.failure = httpFailure(describeOperation(op), page.status, page.error);
    if (!from.all) break;
  }
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

async function executePlanned(
  client: DataverseClient,
  op: Exclude<PlannedOperation, { kind: 'script' }>,
  pin: { identity?: number },
): Promise<OperationOutcome> {
  const requestKind: RequestKind = op.kind === 'unit' ? 'changeset' : 'single';
  const read: PagesRead = { requests: [], records: 0 };
  try {
    if (op.kind === 'query') {
      await readPages(client, op, { path: op.pathAndQuery, all: op.followPaging, kind: requestKind, ...pin }, read);
      return outcomeOf(op, requestKind, read.failure, read.requests, read.records);
    }
    if (op.kind === 'unit') {
      // Every create in a unit carries its client-chosen key: the changeset is safe to send again.
      const batch = await client.batch([unitChangeset(op)], { ...pin, idempotent: true });
      const ok = batch.batch.failed === 0 && batch.status < 400;
      const failed = batch.batch.results.find((r) => !r.ok) ?? {
        status: batch.status,
        ...(batch.error === undefined ? {} : { error: batch.error }),
      };
      return outcomeOf(op, requestKind, unitFailure(op, ok, failed), [sampleOf(batch, requestKind, [op.workload])]);
    }
    const result = await runSingle(client, op, pin);
    const failure = result.status < 400 ? undefined : httpFailure(describeOperation(op), result.status, result.error);
    return outcomeOf(op, requestKind, failure, [sampleOf(result, requestKind, [op.workload])]);
  } catch (error) {
    // Pages read before a later page threw still count.
    return outcomeOf(op, requestKind, thrownFailure(describeOperation(op), error), read.requests, read.records);
  }
}

/**
 * Runs one planned operation as single requests (a unit as one changeset, a query page by page)
 * and returns how it ended, with every request it sent. Never throws for a failure: the outcome
 * carries its cause.
 */
export async function executeOperation(
  client: DataverseClient,
  op: PlannedOperation,
  pin: Pin = {},
): Promise<OperationOutcome> {
  const identity = pin.identity === undefined ? {} : { identity: pin.identity };
  if (op.kind === 'script') return runScript(client, op, { ...identity, worker: pin.worker ?? pin.identity ?? 0 });
  return executePlanned(client, op, identity);
}
