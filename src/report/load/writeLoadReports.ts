import { join } from 'node:path';
import type { LoadResults } from '../../load/LoadResults.js';
import { writeFileAtomic } from '../../output/writeJsonAtomic.js';
import { loadChart } from './loadChart.js';
import { renderLoadJunit, renderLoadMarkdown } from './renderLoadReports.js';

/** load.md, load.png and junit.xml beside a load run's results.json. */
export async function writeLoadReports(dir: string, results: LoadResults): Promise<string[]> {
  const files: [string, string | Buffer][] = [
    ['load.md', renderLoadMarkdown(results)],
    ['junit.xml', renderLoadJunit(results)],
  ];
  if (results.series.length > 0) files.push(['load.png', loadChart(results)]);
  for (const [file, data] of files) await writeFileAtomic(join(dir, file), data);
  return files.map(([file]) => join(dir, file));
}
