import { randomUUID } from 'node:crypto';
import { encodeBatchRequest, type BatchEntry, type HttpRequestMessage } from '../../../protocol/batch/index.js';
import type { BatchEntryInput, BatchOperation, EncodedBatch } from './BatchTypes.js';

export interface EncodeBatchOptions {
  /**
   * Absolute Web API root, e.g. `https://org.crm.dynamics.com/api/data/v9.2/`; inner URLs are made
   * absolute, as Microsoft's samples do.
   */
  readonly apiUrl: string;
  /** Sends `Prefer: odata.continue-on-error`: every part runs even after a failure. */
  readonly continueOnError?: boolean;
  readonly boundary?: string;
}

function toMessage(op: BatchOperation, apiUrl: string): HttpRequestMessage {
  const headers: Record<string, string> = { Accept: 'application/json', ...op.headers };
  let body = '';
  if (op.body !== undefined) {
    body = typeof op.body === 'string' ? op.body : JSON.stringify(op.body);
    headers['Content-Type'] ??= 'application/json; type=entry';
  }
  const url = op.url.startsWith('$') || /^https?:/.test(op.url) ? op.url : `${apiUrl}${op.url}`;
  return { method: op.method, url, headers, body };
}

export function isChangeset(entry: BatchEntryInput): entry is { readonly changeset: readonly BatchOperation[] } {
  return 'changeset' in entry;
}

/**
 * Encodes a `$batch` request body (multipart/mixed, CRLF) with its headers. Content-IDs are
 * numbered across the whole batch, as the OData spec asks, unless given.
 */
export function encodeBatch(entries: readonly BatchEntryInput[], options: EncodeBatchOptions): EncodedBatch {
  const boundary = options.boundary ?? `batch_${randomUUID()}`;
  let nextId = 1;
  let operations = 0;
  const wire = entries.map((entry): BatchEntry<HttpRequestMessage> => {
    if (!isChangeset(entry)) {
      operations++;
      return { kind: 'request', message: toMessage(entry, options.apiUrl) };
    }
    operations += entry.changeset.length;
    return {
      kind: 'changeset',
      items: entry.changeset.map((op) => ({
        message: toMessage(op, options.apiUrl),
        contentId: op.contentId ?? String(nextId++),
      })),
    };
  });
  const headers: Record<string, string> = {
    'Content-Type': `multipart/mixed; boundary=${boundary}`,
    Accept: 'application/json',
    'OData-MaxVersion': '4.0',
    'OData-Version': '4.0',
  };
  if (options.continueOnError === true) headers.Prefer = 'odata.continue-on-error';
  return { body: encodeBatchRequest(wire, boundary), headers, operations };
}
