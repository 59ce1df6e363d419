import { escapeMarkup as xml } from './escapeMarkup.js';
import { mkdir } from 'node:fs/promises';
import { writeFileAtomic } from '../output/writeJsonAtomic.js';
import { dirname, join, relative } from 'node:path';
import type { RunResults } from '../runner/RunResults.js';

export interface SuiteEntry {
  readonly file: string;
  readonly name: string;
  readonly resultsPath: string;
  readonly results: RunResults | null;
  readonly error: string | null;
}

function suiteRow(e: SuiteEntry, dir: string): string {
  const r = e.results;
  const errors = r?.strategies.reduce((a, s) => a + s.errors.total, 0) ?? 0;
  const throttled = r?.strategies.reduce((a, s) => a + s.throttled.total, 0) ?? 0;
  const report = relative(dir, join(dirname(e.resultsPath), 'report.md'));
  return `| ${e.name} | ${e.error === null ? 'ok' : 'failed'} | ${r?.verdict.status ?? 'did not run'} | ${r?.fastest ?? '–'} | ${r?.recommended ?? '–'} | ${r?.strategies.length ?? 0} | ${errors} | ${throttled} | [report.md](${report}) |`;
}

/** A test case per scenario, failed when the scenario failed or could not run. */
function suiteJunit(entries: readonly SuiteEntry[]): string {
  const failures = entries.filter((e) => e.error !== null).length;
  const cases = entries.map((e) => {
    const time =
      e.results === null
        ? 0
        : e.results.strategies.reduce((a, s) => a + s.wallMs.mean * s.repetitions.length, 0) / 1000;
    const body = e.error === null ? '' : `<failure message="${xml(e.error)}">${xml(e.error)}</failure>`;
    return (
      `    <testcase classname="dvbench.suite" name="` +
      `${xml(e.name)}" file="${xml(e.file)}" time="${time.toFixed(3)}">${body}</testcase>`
    );
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="dvbench" tests="` +
    `${entries.length}" failures="${failures}">\n  <testsuite ` +
    `name="dvbench suite" tests="` +
    `${entries.length}" failures="${failures}">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`
  );
}

/** One Markdown summary and one JUnit file for a suite: a test case per scenario. */
export async function writeSuiteSummary(
  dir: string,
  entries: readonly SuiteEntry[],
): Promise<{ markdown: string; junit: string }> {
  await mkdir(dir, { recursive: true });
  const lines = [
    '# dvbench suite',
    '',
    '| scenario | status | verdict | fastest | recommended | strategies | errors | 429s | report |',
    '| --- | --- | --- | --- | --- | ---: | ---: | ---: | --- |',
    ...entries.map((e) => suiteRow(e, dir)),
  ];
  for (const e of entries.filter((x) => x.error !== null)) lines.push('', `**${e.name}** failed: ${e.error ?? ''}`);
  const markdown = join(dir, 'suite.md');
  const junitPath = join(dir, 'junit.xml');
  await writeFileAtomic(markdown, `${lines.join('\n')}\n`);
  await writeFileAtomic(junitPath, suiteJunit(entries));
  return { markdown, junit: junitPath };
}
