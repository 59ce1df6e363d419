import { appendFile, mkdir, rm } from 'node:fs/promises';
import { DvbenchError } from '../errors/DvbenchError.js';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import { writeFileAtomic } from '../output/writeJsonAtomic.js';
import { join } from 'node:path';
import type { RunResults } from '../runner/RunResults.js';
import { buildCharts } from './charts/buildCharts.js';
import type { ThresholdOutcome } from '../runner/evaluateThresholds.js';
import { renderHtml } from './renderHtml.js';
import { renderJunit } from './renderJunit.js';
import { renderMarkdown } from './renderMarkdown.js';
import { bencherMetricFormat, githubActionBenchmark } from './trackerFormats.js';

export interface WrittenReports {
  readonly thresholds: readonly ThresholdOutcome[];
  readonly files: string[];
}

const TRACKER_FILES = [
  'github-action-benchmark.smaller-is-better.json',
  'github-action-benchmark.bigger-is-better.json',
  'bencher.json',
];

/**
 * Renders every report from results.json alone (reports never re-measure): report.md,
 * report.html, PNG charts, junit.xml and the CI benchmark trackers' formats. Appends the
 * Markdown to $GITHUB_STEP_SUMMARY when that variable is set.
 */
export async function writeReports(
  dir: string,
  results: RunResults,
  options: { charts?: boolean } = {},
): Promise<WrittenReports> {
  try {
    return await write(dir, results, options);
  } catch (error) {
    if (error instanceof DvbenchError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw errorCatalogue.DVB_ERR_REPORT_WRITE(
      `could not write the reports into ${dir} (${code}); results.json is intact: render them ` +
        `again with 'dvbench report ${dir}' once there is room.`,
    );
  }
}

async function write(dir: string, results: RunResults, options: { charts?: boolean }): Promise<WrittenReports> {
  await mkdir(dir, { recursive: true });
  const { thresholds } = results;
  const charts = options.charts === false ? [] : buildCharts(results);
  const files: string[] = [];
  const put = async (name: string, data: string | Buffer): Promise<void> => {
    await writeFileAtomic(join(dir, name), data);
    files.push(name);
  };
  for (const c of charts) await put(c.file, c.png);
  const markdown = renderMarkdown(results, thresholds, charts);
  await put('report.md', markdown);
  await put('report.html', renderHtml(results, thresholds, charts));
  await put('junit.xml', renderJunit(results, thresholds));
  if (results.verdict.status === 'failed' || results.verdict.status === 'interrupted' || results.partial) {
    // A failed or unfinished run must not enter a benchmark history: its figures measure errors. Stale files go too.
    for (const f of TRACKER_FILES) await rm(join(dir, f), { force: true });
  } else {
    const gab = githubActionBenchmark(results);
    await put('github-action-benchmark.smaller-is-better.json', `${JSON.stringify(gab.smallerIsBetter, null, 2)}\n`);
    await put('github-action-benchmark.bigger-is-better.json', `${JSON.stringify(gab.biggerIsBetter, null, 2)}\n`);
    await put('bencher.json', `${JSON.stringify(bencherMetricFormat(results), null, 2)}\n`);
  }
  const summary = process.env.GITHUB_STEP_SUMMARY;
  // Charts are files beside the report; the job summary cannot show relative images, so it gets the text only.
  if (summary !== undefined && summary !== '')
    await appendFile(summary, `${markdown.replace(/\n## Charts[\s\S]*$/, '\n')}\n`);
  return { thresholds, files };
}
