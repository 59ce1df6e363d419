import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, errorCatalogue } from '../../errors/errorCatalogue.js';
import { writeReports } from '../../report/writeReports.js';
import { RESULTS_SCHEMA_VERSION, type RunResults } from '../../runner/RunResults.js';
import { parseCommandArgs } from '../parseCommandArgs.js';

export const reportHelp = `Usage: dvbench report <dir> [--no-charts]

Re-renders every report of a run from <dir>/results.json alone: report.md, report.html (self-
contained), PNG charts, junit.xml, and the CI benchmark trackers' files
(github-action-benchmark, Bencher). Prints one line per missed threshold; exit code 1 if any.
`;

/** Reads a results.json written by `dvbench run`, checking it is one this version understands. */
export async function readResults(path: string): Promise<RunResults> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw errorCatalogue.DVB_ERR_USAGE(`dvbench: ${path}: no such results file (run 'dvbench run' first, or name the folder it wrote).`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw errorCatalogue.DVB_ERR_USAGE(`dvbench: ${path}: not valid JSON (${(error as Error).message}).`);
  }
  const version = (parsed as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version === 'number' && version < RESULTS_SCHEMA_VERSION) {
    throw errorCatalogue.DVB_ERR_USAGE(`dvbench: ${path}: written by an older dvbench (results schema ${version}; this one reads ${RESULTS_SCHEMA_VERSION}, with verdicts and causes of failures); run the scenario again.`);
  }
  if (version !== RESULTS_SCHEMA_VERSION || !Array.isArray((parsed as { strategies?: unknown }).strategies)) {
    throw errorCatalogue.DVB_ERR_USAGE(`dvbench: ${path}: not a dvbench results file of schema version ${RESULTS_SCHEMA_VERSION} (found ${JSON.stringify(version ?? null)}).`);
  }
  return parsed as RunResults;
}

export async function reportCommand(argv: readonly string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  const { values, positionals } = parseCommandArgs('report', argv, { 'no-charts': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help === true) {
    io.stdout.write(reportHelp);
    return EXIT.ok;
  }
  const [dir, extra] = positionals;
  if (dir === undefined || extra !== undefined) throw errorCatalogue.DVB_ERR_USAGE("dvbench report: give exactly one run folder. See 'dvbench report --help'.");
  const results = await readResults(join(dir, 'results.json'));
  const written = await writeReports(dir, results, { charts: values['no-charts'] !== true });
  io.stdout.write(`wrote ${written.files.map((f) => join(dir, f)).join(', ')}\n`);
  const missed = written.thresholds.filter((t) => !t.passed);
  for (const t of missed) io.stderr.write(`threshold missed: ${t.message}\n`);
  return missed.length > 0 ? EXIT.failed : EXIT.ok;
}
