import pLimit from 'p-limit';
import type { DataverseClient } from '../client/DataverseClient.js';

/** Deletes in one `$batch`: a cleanup of 10,000 records is 100 requests, not 10,000 against the org's limits. */
const DELETES_PER_BATCH = 100;
/** `$batch`es in flight at once: enough to hide a round trip, few enough to stay under the org's concurrency limit. */
const BATCHES_AT_ONCE = 4;

/** A delete's answer: 204 deleted, 404 already gone, anything else refused. */
export interface DeleteOutcome {
  readonly status: number;
  readonly message?: string | undefined;
}

/**
 * Deletes records by id in `$batch`es with continue-on-error (deletes are idempotent, so a
 * throttled batch is retried whole): each record's own outcome, in the order given, or
 * undefined where its batch failed whole.
 */
export async function deleteInBatches(
  client: DataverseClient,
  records: readonly { readonly set: string; readonly id: string }[],
): Promise<(DeleteOutcome | undefined)[]> {
  const outcomes: (DeleteOutcome | undefined)[] = [];
  const limit = pLimit(BATCHES_AT_ONCE);
  const chunks = Array.from({ length: Math.ceil(records.length / DELETES_PER_BATCH) }, (_, i) =>
    records.slice(i * DELETES_PER_BATCH, (i + 1) * DELETES_PER_BATCH),
  );
  await Promise.all(
    chunks.map((chunk, c) =>
      limit(async () => {
        const sent = await client
          .batch(
            chunk.map((r) => ({ method: 'DELETE' as const, url: `${r.set}(${r.id})` })),
            { continueOnError: true, idempotent: true },
          )
          .catch(() => undefined);
        for (const [i, part] of (sent?.batch.results ?? []).entries())
          outcomes[c * DELETES_PER_BATCH + i] = { status: part.status, message: part.error?.message };
      }),
    ),
  );
  return records.map((_, i) => outcomes[i]);
}

/** How many `$batch`es `deleteInBatches` sends for this many records. */
export const deleteBatchesFor = (records: number): number => Math.ceil(records / DELETES_PER_BATCH);
