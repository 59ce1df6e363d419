import { escapeMarkup as xml } from './escapeMarkup.js';
import { timeCompressionNote } from './timeCompressionNote.js';
import type { RunResults } from '../runner/RunResults.js';
import { verdictHeadline } from '../runner/verdict.js';
import type { ThresholdOutcome } from '../runner/evaluateThresholds.js';

/**
 * junit.xml: the run's verdict as one test case per strategy (failed: a failure naming the
 * reasons; degraded passes, its reasons in system-out), then one test case per threshold (a
 * failure carrying the measured value and the bound; skipped when `--strategies` left it out).
 */
export function renderJunit(results: RunResults, thresholds: readonly ThresholdOutcome[]): string {
  const name = xml(results.scenario.name);
  const cases: string[] = [];
  if (results.partial || (results.strategies.length === 0 && results.verdict.status === 'failed')) {
    cases.push(
      `    <testcase classname="dvbench.` +
        `${name}" name="run"><failure message="${xml(verdictHeadline(results.verdict))}" type="verdict">` +
        `${xml(results.interruption ?? '')}</failure></testcase>`,
    );
  }
  for (const s of results.strategies) {
    const time = ((s.wallMs.mean * s.repetitions.length) / 1000).toFixed(3);
    const body =
      s.verdict.status === 'failed'
        ? `<failure message="${xml(`${s.name} failed: ${s.verdict.reasons.join('; ')}`)}" type="verdict">` +
          `${xml(s.errors.causes.map((c) => `${c.count} × ${c.kind}: ${c.message}`).join('\n'))}</failure>`
        : s.verdict.status === 'degraded'
          ? `<system-out>${xml(`degraded: ${s.verdict.reasons.join('; ')}`)}</system-out>`
          : '';
    cases.push(
      `    <testcase classname="dvbench.${name}" name="${xml(`${s.name}: verdict`)}" time="${time}">${body}</testcase>`,
    );
  }
  for (const t of thresholds) {
    const caseName = xml(
      `threshold: ${t.message.replace(/ = .*|: (not measured|skipped).*/, '')} ${t.threshold.op} ${t.threshold.value}`,
    );
    const body = t.skipped
      ? `<skipped message="${xml(t.message)}"/>`
      : t.passed
        ? ''
        : `<failure message="${xml(t.message)}" type="threshold">measured: ` +
          `${t.actual === null ? 'not measured' : t.actual}; bound: ${xml(`${t.threshold.op} ${t.threshold.value}`)}</failure>`;
    cases.push(`    <testcase classname="dvbench.${name}" name="${caseName}">${body}</testcase>`);
  }
  const failures = cases.filter((c) => c.includes('<failure')).length;
  const skipped = cases.filter((c) => c.includes('<skipped')).length;
  const time = (results.strategies.reduce((a, s) => a + s.wallMs.mean * s.repetitions.length, 0) / 1000).toFixed(3);
  // The suite's time is the org's; a CI page shows the compression beside it.
  const properties =
    results.timeScale === 1
      ? ''
      : `    <properties><property name="dvbench.timeScale" value="${results.timeScale}"/><property name="dvbench.note" value="${xml(timeCompressionNote(results) ?? '')}"/></properties>\n`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="dvbench" tests="${cases.length}" failures="` +
    `${failures}">\n  <testsuite name="` +
    `${name}" tests="${cases.length}" failures="${failures}" skipped="${skipped}" time="${time}" timestamp="${xml(results.startedAt)}">\n${properties}${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`
  );
}
