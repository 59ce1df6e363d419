import type { CliIo } from '../CliIo.js';
import { dirname, join } from 'node:path';
import { EXIT, errorCatalogue } from '../../errors/errorCatalogue.js';
import { writeReports } from '../../report/writeReports.js';
import { readResults } from '../../report/readResults.js';
import { verdictHeadline } from '../../runner/verdict.js';
import { parseCommandArgs } from '../parseCommandArgs.js';

export const reportHelp = `Usage: dvbench report <dir> [--no-charts]

Re-renders every report of a run from <dir>/results.json alone: report.md, report.html (self-
contained), PNG charts, junit.xml, and the CI benchmark trackers' files
(github-action-benchmark, Bencher; not for a failed run). Prints the run's verdict and one line
per missed threshold; exit code 1 if the verdict is failed or a threshold is missed.
`;

export async function reportCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'report',
    argv,
    { 'no-charts': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  if (values.help === true) {
    io.stdout.write(reportHelp);
    return EXIT.ok;
  }
  const [given, extra] = positionals;
  if (given === undefined || extra !== undefined)
    throw errorCatalogue.DVB_ERR_USAGE(
      "dvbench report: give exactly one run folder (or its results.json). See 'dvbench report --help'.",
    );
  // A results.json path names its folder, as compare and merge accept it.
  const dir = given.endsWith('.json') ? dirname(given) : given;
  const results = await readResults(given.endsWith('.json') ? given : join(dir, 'results.json'));
  const written = await writeReports(dir, results, { charts: values['no-charts'] !== true });
  io.stdout.write(`wrote ${written.files.map((f) => join(dir, f)).join(', ')}\n`);
  io.stdout.write(`${verdictHeadline(results.verdict)}\n`);
  const missed = written.thresholds.filter((t) => !t.passed && !t.skipped);
  for (const t of missed) io.stderr.write(`threshold missed: ${t.message}\n`);
  return results.verdict.status === 'failed' ? EXIT.failed : EXIT.ok;
}
