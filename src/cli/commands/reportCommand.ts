import { dirname, join } from 'node:path';
import { EXIT } from '../../errors/errorCatalogue.js';
import { writeReports } from '../../report/writeReports.js';
import { readResults } from '../../report/readResults.js';
import { verdictHeadline } from '../../runner/verdict.js';
import { defineCommand, onePositional } from '../parseCommandArgs.js';

export const reportHelp = `Usage: dvbench report <dir> [--no-charts]

Re-renders every report of a run from <dir>/results.json alone: report.md, report.html (self-
contained), PNG charts, junit.xml, and the CI benchmark trackers' files
(github-action-benchmark, Bencher; not for a failed run). Prints the run's verdict and one line
per missed threshold; exit code 1 if the verdict is failed or a threshold is missed.
`;

export const reportCommand = defineCommand(
  { name: 'report', help: reportHelp, options: { 'no-charts': { type: 'boolean' } }, positionals: true },
  async ({ values, positionals }, io) => {
    const given = onePositional('report', positionals, 'run folder (or its results.json)');
    // A results.json path names its folder, as compare and merge accept it.
    const dir = given.endsWith('.json') ? dirname(given) : given;
    const results = await readResults(given.endsWith('.json') ? given : join(dir, 'results.json'));
    const written = await writeReports(dir, results, { charts: values['no-charts'] !== true });
    io.stdout.write(`wrote ${written.files.map((f) => join(dir, f)).join(', ')}\n`);
    io.stdout.write(`${verdictHeadline(results.verdict)}\n`);
    const missed = written.thresholds.filter((t) => !t.passed && !t.skipped);
    for (const t of missed) io.stderr.write(`threshold missed: ${t.message}\n`);
    return results.verdict.status === 'failed' ? EXIT.failed : EXIT.ok;
  },
);
