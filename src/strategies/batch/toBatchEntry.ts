import { queryPrefer } from '../../client/queryPaging.js';
import type { BatchEntryInput, BatchOperation } from '../../client/batch/BatchTypes.js';
import type { PlannedOperation } from '../../operations/PlannedOperation.js';

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
