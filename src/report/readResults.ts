import { readFile } from 'node:fs/promises';
import { formatIssuePath } from '../../util/formatIssuePath.js';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import { evaluateThresholds } from '../runner/evaluateThresholds.js';
import { asRunResults, resultsSchema } from '../runner/resultsSchema.js';
import { withThresholds } from '../runner/verdict.js';
import { RESULTS_SCHEMA_VERSION, type RunResults } from '../runner/RunResults.js';

/**
 * Reads a results.json written by `dvbench run` (or `merge`), on this machine or another,
 * and checks it against the results schema: an older, newer or foreign file is named with
 * what is wrong, never cast and half-read.
 */
export async function readResults(path: string): Promise<RunResults> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw errorCatalogue.DVB_ERR_USAGE(
      `dvbench: ${path}: no such results file (run 'dvbench run' first, or name the folder it wrote).`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw errorCatalogue.DVB_ERR_USAGE(`dvbench: ${path}: not valid JSON (${(error as Error).message}).`);
  }
  if ((parsed as { kind?: unknown } | null)?.kind === 'load')
    throw errorCatalogue.DVB_ERR_USAGE(
      `dvbench: ${path}: the results of a load test; report, compare and merge read benchmark ` +
        `runs (a load test's report is the load.md beside it).`,
    );
  const version = (parsed as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version < RESULTS_SCHEMA_VERSION) {
    throw errorCatalogue.DVB_ERR_USAGE(
      `dvbench: ${path}: written by an older dvbench (results schema ` +
        `${version}; this one reads ${RESULTS_SCHEMA_VERSION}, with verdicts and ` +
        `causes of failures); run the scenario again.`,
    );
  }
  if (version !== RESULTS_SCHEMA_VERSION) {
    throw errorCatalogue.DVB_ERR_USAGE(
      `dvbench: ${path}: not a dvbench results file of schema version ` +
        `${RESULTS_SCHEMA_VERSION} (found ${JSON.stringify(version ?? null)}).`,
    );
  }
  const result = resultsSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.slice(0, 5).map((i) => `${formatIssuePath(i.path)}: ${i.message}`);
    throw errorCatalogue.DVB_ERR_USAGE(
      `dvbench: ${path}: not a valid dvbench results file of schema version ` +
        `${RESULTS_SCHEMA_VERSION}: ${problems.join('; ')}${result.error.issues.length > 5 ? '; …' : ''}.`,
    );
  }
  // Files written before cost profiles have no mockCosts: the schema reads them as null.
  const read = asRunResults(result.data);
  // Files written before the verdict counted thresholds: judged here, as the run would have.
  if ((parsed as { thresholds?: unknown }).thresholds !== undefined) return read;
  const thresholds = evaluateThresholds(read);
  return { ...read, thresholds, verdict: withThresholds(read.verdict, thresholds) };
}
