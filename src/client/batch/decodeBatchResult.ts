import { decodeBatchResponse, type HttpResponseMessage } from '../../../protocol/batch/index.js';
import type { BatchEntryInput, BatchOperationResult, BatchResult } from './BatchTypes.js';
import { isChangeset } from './encodeBatch.js';
import { errorEnvelope } from '../errorEnvelope.js';

export interface DecodeBatchOptions {
  /** The ReturnResponses=false analogue: keep statuses, ids and errors, drop response bodies. */
  readonly discardBodies?: boolean;
}

function result(part: HttpResponseMessage, contentId: string | undefined, options: DecodeBatchOptions, extra: Partial<BatchOperationResult> = {}): BatchOperationResult {
  let body: unknown;
  if (part.body !== '' && /json/i.test(part.headers['content-type'] ?? '')) {
    try {
      body = JSON.parse(part.body);
    } catch {
      body = part.body;
    }
  }
  const error = part.status >= 400 ? (errorEnvelope(body) ?? { code: '', message: `HTTP ${part.status}` }) : undefined;
  const entityId = part.headers['odata-entityid'];
  return {
    status: part.status,
    ok: part.status < 400,
    ...(contentId === undefined ? {} : { contentId }),
    ...(entityId === undefined ? {} : { entityId }),
    ...(options.discardBodies === true || body === undefined || error !== undefined ? {} : { body }),
    ...(error === undefined ? {} : { error }),
    ...extra,
  };
}

const NOT_RUN: BatchOperationResult = { status: 0, ok: false, notRun: true };

/**
 * Maps a `$batch` response back onto the planned operations, one result each, in order: a
 * failed changeset's single error part fails every item of it (rolled back), and operations
 * after a stop-on-error failure are marked not run.
 */
export function decodeBatchResult(
  planned: readonly BatchEntryInput[],
  status: number,
  body: string,
  contentType: string | undefined,
  options: DecodeBatchOptions = {},
): BatchResult {
  // A throttled or rejected batch answers with a plain JSON error, not multipart.
  if (!/^\s*multipart\/mixed/i.test(contentType ?? '')) {
    const part = { status, statusText: '', headers: { 'content-type': contentType ?? '' }, body };
    const failed = result(part, undefined, options);
    const results = planned.flatMap((entry) => (isChangeset(entry) ? entry.changeset : [entry]).map(() => failed));
    return { status, results, succeeded: 0, failed: results.length };
  }
  const parts = decodeBatchResponse(body, contentType);
  const results: BatchOperationResult[] = [];
  planned.forEach((entry, i) => {
    const part = parts[i];
    const ops = isChangeset(entry) ? entry.changeset : [entry];
    if (part === undefined) {
      for (let k = 0; k < ops.length; k++) results.push(NOT_RUN);
      return;
    }
    if (part.kind === 'changeset') {
      part.items.forEach((item) => results.push(result(item.message, item.contentId, options)));
      for (let k = part.items.length; k < ops.length; k++) results.push(NOT_RUN);
      return;
    }
    if (isChangeset(entry)) {
      for (let k = 0; k < ops.length; k++) results.push(result(part.message, part.contentId, options, part.message.status >= 400 ? { rolledBack: true } : {}));
      return;
    }
    results.push(result(part.message, part.contentId, options));
  });
  const succeeded = results.filter((r) => r.ok).length;
  return { status, results, succeeded, failed: results.length - succeeded };
}
