import { decodeBatchResponse, type HttpResponseMessage } from '../../../protocol/batch/index.js';
import type { BatchEntryInput, BatchOperationResult, BatchResult } from './BatchTypes.js';
import { isChangeset } from './encodeBatch.js';
import { errorEnvelope } from '../errorEnvelope.js';

export interface DecodeBatchOptions {
  /** The ReturnResponses=false analogue: keep statuses, ids and errors, drop response bodies. */
  readonly discardBodies?: boolean;
}

function result(
  part: HttpResponseMessage,
  contentId: string | undefined,
  options: DecodeBatchOptions,
  extra: Partial<BatchOperationResult> = {},
): BatchOperationResult {
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
      for (let k = 0; k < ops.length; k++)
        results.push(
          result(part.message, part.contentId, options, part.message.status >= 400 ? { rolledBack: true } : {}),
        );
      return;
    }
    results.push(result(part.message, part.contentId, options));
  });
  const succeeded = results.filter((r) => r.ok).length;
  return { status, results, succeeded, failed: results.length - succeeded };
}

const DUPLICATE_KEY = '0x80040237';

/**
 * After a `$batch` was sent again because an earlier attempt's response was lost, the parts
 * that earlier attempt already ran answer differently: a create with a client-chosen key meets
 * its own record (412, duplicate key), a delete finds its record gone (404), a changeset of
 * keyed creates is refused as a whole for the same duplicate. Those are the lost attempt's
 * work, done once: they count as succeeded (`recovered`).
 *
 * Returns the corrected result and the index of the first entry the retry never ran because
 * it stopped at such a part (stop-on-error batches), so the caller can send the rest.
 */
export function recoverRetriedParts(
  entries: readonly BatchEntryInput[],
  batch: BatchResult,
): { batch: BatchResult; resumeAt: number | undefined } {
  const results = [...batch.results];
  let r = 0;
  let resumeAt: number | undefined;
  entries.forEach((entry, i) => {
    const ops = isChangeset(entry) ? entry.changeset : [entry];
    const mine = results.slice(r, r + ops.length);
    const recoveredOne = (res: BatchOperationResult | undefined, op: { method: string } | undefined): boolean =>
      res !== undefined &&
      op !== undefined &&
      ((op.method === 'POST' && res.status === 412 && res.error?.code === DUPLICATE_KEY) ||
        (op.method === 'DELETE' && res.status === 404));
    const wholeChangeset =
      isChangeset(entry) &&
      mine.every((x) => x.rolledBack === true) &&
      mine[0]?.status === 412 &&
      mine[0].error?.code === DUPLICATE_KEY &&
      ops.every((o) => o.method === 'POST');
    mine.forEach((res, k) => {
      if (wholeChangeset || recoveredOne(res, ops[k]))
        results[r + k] = {
          status: 204,
          ok: true,
          ...(res.contentId === undefined ? {} : { contentId: res.contentId }),
        };
    });
    const last = results[r + ops.length - 1];
    const next = results[r + ops.length];
    if (resumeAt === undefined && last?.ok === true && next?.notRun === true && mine.some((x) => !x.ok))
      resumeAt = i + 1;
    r += ops.length;
  });
  const succeeded = results.filter((x) => x.ok).length;
  return {
    batch: {
      status: resumeAt === undefined && succeeded === results.length ? 200 : batch.status,
      results,
      succeeded,
      failed: results.length - succeeded,
    },
    resumeAt,
  };
}
