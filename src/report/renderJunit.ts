import { escapeMarkup as xml } from './escapeMarkup.js';
import type { RunResults } from '../runner/RunResults.js';
import type { ThresholdOutcome } from './evaluateThresholds.js';


/**
 * junit.xml: one test case per threshold, a failure carrying the measured value and the
 * bound. Without thresholds, one test case that the run completed without errors.
 */
export function renderJunit(results: RunResults, thresholds: readonly ThresholdOutcome[]): string {
  const name = xml(results.scenario.name);
  const cases =
    thresholds.length > 0
      ? thresholds.map((t) => {
          const caseName = xml(`${t.threshold.metric} of ${t.threshold.strategy} ${t.threshold.op} ${t.threshold.value}`);
          const failure = t.passed ? '' : `<failure message="${xml(t.message)}" type="threshold">measured: ${t.actual === null ? 'not measured' : t.actual}; bound: ${xml(`${t.threshold.op} ${t.threshold.value}`)}</failure>`;
          return `    <testcase classname="dvbench.${name}" name="${caseName}">${failure}</testcase>`;
        })
      : [
          (() => {
            const errors = results.strategies.reduce((a, s) => a + s.errors.total, 0);
            const failure = results.partial ? `<failure message="the run did not finish: ${xml(results.interruption ?? 'interrupted')}" type="partial"/>` : errors > 0 ? `<failure message="${errors} operation(s) failed" type="errors"/>` : '';
            return `    <testcase classname="dvbench.${name}" name="run completed without errors">${failure}</testcase>`;
          })(),
        ];
  const failures = cases.filter((c) => c.includes('<failure')).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="dvbench" tests="${cases.length}" failures="${failures}">\n  <testsuite name="${name}" tests="${cases.length}" failures="${failures}" timestamp="${xml(results.startedAt)}">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`;
}
