import { join } from 'node:path';
import { compareRuns, type Comparison } from '../report/compare/compareRuns.js';
import { readResults } from '../report/readResults.js';
import type { RunResults } from '../runner/RunResults.js';

export interface CompareOptions {
  /** Smallest change that counts, as a share (0.05 is 5%). @default 0.05 */
  readonly tolerance?: number;
  /** Significance level of Welch's t-test over the repetitions. @default 0.05 */
  readonly alpha?: number;
  /** Compare runs from different machines or mock costs anyway. @default false */
  readonly force?: boolean;
}

async function resultsOf(run: string | RunResults): Promise<{ results: RunResults; path?: string }> {
  if (typeof run !== 'string') return { results: run };
  const path = run.endsWith('.json') ? run : join(run, 'results.json');
  return { results: await readResults(path), path };
}

/**
 * `dvbench compare` as a function: base and current runs (results.json files, their folders,
 * or results objects), answered as compare.json's shape. `comparison.regressions > 0` is what
 * makes the command exit 1. Throws a `DvbenchError` for different scenarios or environments
 * (unless `force`) and for a file that is not a dvbench results file.
 */
export async function compare(
  base: string | RunResults,
  current: string | RunResults,
  options: CompareOptions = {},
): Promise<Comparison> {
  const b = await resultsOf(base);
  const c = await resultsOf(current);
  return compareRuns(b.results, c.results, {
    tolerance: options.tolerance ?? 0.05,
    alpha: options.alpha,
    force: options.force,
    basePath: b.path,
    currentPath: c.path,
  });
}
