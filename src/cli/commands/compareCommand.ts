import { mkdir } from 'node:fs/promises';
import { writeFileAtomic } from '../../output/writeJsonAtomic.js';
import { join } from 'node:path';
import { EXIT, errorCatalogue } from '../../errors/errorCatalogue.js';
import { compareRuns } from '../../report/compare/compareRuns.js';
import {
  renderComparisonChart,
  renderComparisonHtml,
  renderComparisonMarkdown,
} from '../../report/compare/renderComparison.js';
import { defineCommand } from '../parseCommandArgs.js';
import { readResults } from '../../report/readResults.js';

export const compareHelp = `Usage: dvbench compare <base results.json|dir> <current results.json|dir> [options]

For each strategy in both runs: the change in wall time, throughput and p95 latency, and a
verdict from Welch's t-test over the repetitions: "faster", "slower" or "no significant
change" (significant at p < 0.05, with the change's whole 95% confidence interval beyond the
tolerance: repetitions within one run do not see the drift between two runs). Refuses runs of different
scenarios, and runs from different environments unless --force.

Options:
  --out <dir>         where compare.md, compare.html and compare.png go (default: beside current)
  --tolerance <pct>   smallest change that counts, e.g. 5% or 0.05 (default 5%)
  --force             compare runs from different environments anyway
  -h, --help          show this help

Failed operations and verdicts are compared too: any rise in the share of failed operations (from 0
to N most of all) or a worse verdict (ok → degraded → failed) is a regression. The two runs are
named (path, run id, start) in every output; p95 latency is shown, not tested.

Exit codes: 0 no regression, 1 a strategy is significantly slower, fails more, or has a worse verdict, 2 invalid input.
`;

function parseTolerance(text: string | undefined): number {
  if (text === undefined) return 0.05;
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  const value = m === null ? Number.NaN : Number(m[1]) / (m[2] === '%' ? 100 : 1);
  if (!Number.isFinite(value) || value < 0 || value >= 1) {
    throw errorCatalogue.DVB_ERR_USAGE(
      `dvbench compare: --tolerance must be a share from 0 to under 1, e.g. 5% or 0.05, got '${text}'.`,
    );
  }
  return value;
}

function resultsPath(p: string): string {
  return p.endsWith('.json') ? p : join(p, 'results.json');
}

/** One line per regressed strategy, saying what got worse. */
function regressionLines(comparison: ReturnType<typeof compareRuns>): string[] {
  return comparison.strategies
    .filter((x) => x.regression)
    .map((s) => {
      const wall = s.figures.find((f) => f.figure === 'wall time');
      const slower =
        wall?.verdict === 'slower'
          ? `is slower: wall time ${(wall.change * 100).toFixed(1)}% (p ${wall.p === null ? '–' : wall.p.toFixed(4)})`
          : 'is worse';
      return `regression: ${s.strategy} ${slower}${s.reasons.length > 0 ? `; ${s.reasons.join('; ')}` : ''}`;
    });
}

const COMPARE_OPTIONS = { out: { type: 'string' }, tolerance: { type: 'string' }, force: { type: 'boolean' } } as const;

export const compareCommand = defineCommand(
  { name: 'compare', help: compareHelp, options: COMPARE_OPTIONS, positionals: true },
  async ({ values, positionals }, io) => {
    const [basePath, currentPath, extra] = positionals;
    if (basePath === undefined || currentPath === undefined || extra !== undefined) {
      throw errorCatalogue.DVB_ERR_USAGE(
        'dvbench compare: give a base and a current run (results.json files or their folders). ' +
          "See 'dvbench compare --help'.",
      );
    }
    const tolerance = parseTolerance(values.tolerance);
    const base = await readResults(resultsPath(basePath));
    const current = await readResults(resultsPath(currentPath));
    const comparison = compareRuns(base, current, {
      tolerance,
      force: values.force === true,
      basePath: resultsPath(basePath),
      currentPath: resultsPath(currentPath),
    });
    const out = values.out ?? (currentPath.endsWith('.json') ? join(currentPath, '..') : currentPath);
    await mkdir(out, { recursive: true });
    const chart = renderComparisonChart(comparison);
    if (chart !== undefined) await writeFileAtomic(join(out, 'compare.png'), chart);
    const markdown = renderComparisonMarkdown(comparison, chart === undefined ? undefined : 'compare.png');
    await writeFileAtomic(join(out, 'compare.md'), markdown);
    await writeFileAtomic(join(out, 'compare.html'), renderComparisonHtml(comparison, chart));
    await writeFileAtomic(join(out, 'compare.json'), `${JSON.stringify(comparison, null, 2)}\n`);
    // The terminal gets the text; the chart is a file beside it.
    io.stdout.write(markdown.replace(/\n!\[[^\]]*\]\([^)]*\)\n?/g, '\n'));
    io.stdout.write(
      `wrote ` +
        `${['compare.md', 'compare.html', ...(chart === undefined ? [] : ['compare.png']), 'compare.json'].map((f) => join(out, f)).join(', ')}\n`,
    );
    for (const line of regressionLines(comparison)) io.stderr.write(`${line}\n`);
    return comparison.regressions > 0 ? EXIT.failed : EXIT.ok;
  },
);
