import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadResults } from '../../load/LoadResults.js';
import { writeFileAtomic } from '../../output/writeJsonAtomic.js';
import { loadChart, loadResourcesChart } from './loadChart.js';
import { renderLoadHtml } from './renderLoadHtml.js';
import { renderLoadJunit, renderLoadMarkdown } from './renderLoadReports.js';

/**
 * load.md, load.html, load.png, load-resources.png and junit.xml beside a load run's results.json;
 * load.md also to the GitHub step summary.
 */
export async function writeLoadReports(dir: string, results: LoadResults): Promise<string[]> {
  const charts = new Map<string, Buffer>();
  if (results.series.length > 0) {
    for (const [file, png] of [
      ['load.png', loadChart(results)],
      ['load-resources.png', loadResourcesChart(results)],
    ] as const)
      if (png !== undefined) charts.set(file, png);
  }
  // A chart left out (no @napi-rs/canvas) is not linked either.
  const markdown = renderLoadMarkdown(results).replace(/\n!\[[^\]]*\]\(([^)]*\.png)\)/g, (line, file: string) =>
    charts.has(file) ? line : '',
  );
  const files: [string, string | Buffer][] = [
    ['load.md', markdown],
    ['load.html', renderLoadHtml(results, markdown, charts)],
    ['junit.xml', renderLoadJunit(results)],
    ...charts,
  ];
  for (const [file, data] of files) await writeFileAtomic(join(dir, file), data);
  const summary = process.env.GITHUB_STEP_SUMMARY;
  // The job summary cannot show a relative image: the text only, as for a benchmark run.
  if (summary !== undefined && summary !== '')
    await appendFile(summary, `${markdown.replace(/\n!\[[^\]]*\]\([^)]*\.png\)/g, '')}\n`);
  return files.map(([file]) => join(dir, file));
}
