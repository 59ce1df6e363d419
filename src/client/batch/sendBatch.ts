import type { CallOptions } from '../ClientOptions.js';
import type { CallResult } from '../CallResult.js';
import type { DataverseClient } from '../DataverseClient.js';
import type { BatchEntryInput, BatchResult } from './BatchTypes.js';
import { decodeBatchResult, recoverRetriedParts, type DecodeBatchOptions } from './decodeBatchResult.js';
import { encodeBatch } from './encodeBatch.js';
import { headerValue } from '../headerValue.js';

/**
 * Sends a `$batch`. With `idempotent` (every part safe to repeat: reads, updates, upserts,
 * deletes, creates with client-chosen keys) a lost response is sent again, and the parts the
 * lost attempt already ran are recognised as its work (see `recoverRetriedParts`); a retry
 * that stopped at such a part sends the remaining parts on.
 */
export async function sendBatch(
  client: DataverseClient,
  entries: readonly BatchEntryInput[],
  options: CallOptions & { continueOnError?: boolean; resumed?: boolean } & DecodeBatchOptions = {},
): Promise<CallResult & { batch: BatchResult }> {
  const encoded = encodeBatch(entries, {
    apiUrl: client.apiUrl,
    ...(options.continueOnError === undefined ? {} : { continueOnError: options.continueOnError }),
  });
  const result = await client.send('POST', '$batch', encoded.body, {
    ...options,
    idempotent: options.idempotent ?? false,
    headers: { ...encoded.headers, ...options.headers },
  });
  const contentType = headerValue(result.headers['content-type']);
  let batch = decodeBatchResult(entries, result.status, result.text, contentType, options);
  // The rest of a resumed batch was run by the lost attempt too: its parts answer like a retry's.
  if ((result.attempts === 1 && options.resumed !== true) || options.idempotent !== true) return { ...result, batch };
  const recovered = recoverRetriedParts(entries, batch);
  batch = recovered.batch;
  if (recovered.resumeAt === undefined) return { ...result, status: batch.status, batch };
  const rest = await sendBatch(client, entries.slice(recovered.resumeAt), { ...options, resumed: true });
  const done = batch.results.slice(0, batch.results.length - rest.batch.results.length);
  const results = [...done, ...rest.batch.results];
  const succeeded = results.filter((x) => x.ok).length;
  return {
    ...rest,
    totalMs: result.totalMs + rest.totalMs,
    attempts: result.attempts + rest.attempts,
    batch: { status: rest.batch.status, results, succeeded, failed: results.length - succeeded },
  };
}
