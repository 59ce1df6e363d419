import { asList } from '../countLists.js';
import type { StrategyProblem } from '../StrategyDescriptor.js';

/** Dataverse's limit on the operations in one `$batch` (ExecuteMultiple) and in one bulk message. */
const MAX_BATCH_SIZE = 1000;

/** Checks every size a batch or bulk strategy lists against Dataverse's limit. */
export function sizeLimit(input: { readonly size: number | readonly number[] }): StrategyProblem[] {
  return asList(input.size).some((n) => n > MAX_BATCH_SIZE)
    ? [[['size'], `at most ${MAX_BATCH_SIZE} operations per $batch or bulk request (Dataverse's limit)`]]
    : [];
}
