import { asList, counts } from '../countLists.js';
import type { StrategyProblem } from '../StrategyDescriptor.js';

/** Dataverse's limit on the operations in one `$batch` (ExecuteMultiple) and in one bulk message. */
const MAX_BATCH_SIZE = 1000;

/** Checks every size a batch or bulk strategy lists against Dataverse's limit. */
function sizeLimit(input: { readonly size: number | readonly number[] }): StrategyProblem[] {
  return asList(input.size).some((n) => n > MAX_BATCH_SIZE)
    ? [[['size'], `at most ${MAX_BATCH_SIZE} operations per $batch or bulk request (Dataverse's limit)`]]
    : [];
}

/** `size` operations a request and `inFlight` requests at once, as a scenario writes them. */
export function sizeAndInFlight(size: string, inFlight: string) {
  return { size: counts.describe(size), inFlight: counts.default(1).describe(inFlight) };
}

/** What batch and bulk share: many operations in one request, so no script, and no efficiency per worker. */
export const sizedRequests = {
  validate: sizeLimit,
  runsScripts: false,
  // Speedup ÷ requests in flight is no share of anything when a request carries many operations.
  perWorkerEfficiency: false,
  chartFamily: 'requests',
} as const;
