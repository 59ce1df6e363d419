import type { LoadResults, Trend } from '../../load/LoadResults.js';
import { timeCompressionNote } from '../timeCompressionNote.js';
import { escapeMarkup as xml } from '../escapeMarkup.js';
import { throttledByLimit } from '../throttledByLimit.js';
import { describeWindow, windowCount, worstWindow } from './objectiveText.js';

const fmt = (v: number | null, digits = 1): string => (v === null ? '–' : v.toFixed(digits));

function trendLine(label: string, t: Trend | null, unit: string): string {
  if (t === null) return `- ${label}: too few points in constant-rate stages for a trend`;
  const sign = t.perMinute >= 0 ? '+' : '';
  return (
    `- ${label}: ${fmt(t.start)} → ${fmt(t.end)} ${unit} (${sign}${t.perMinute} ${unit}/min)` +
    (t.growing ? ' **growing**' : '')
  );
}

/** A time-compressed run says so before any figure, with the time it took here. */
function compressionLines(r: LoadResults): string[] {
  const note = timeCompressionNote(r);
  return note === undefined ? [] : [`${note}. It ran ${fmt(r.realSeconds)} s here.`, ''];
}

/** load.md: the verdict first, then what was planned and held, the objectives, and the soak view. */
export function renderLoadMarkdown(r: LoadResults): string {
  const a = r.arrivals;
  const lines = [
    `# ${r.scenarioName}: load test`,
    '',
    `**Verdict: ` +
      `${r.verdict.status.toUpperCase()}**${r.verdict.reasons.length > 0 ? `: ${r.verdict.reasons.join('; ')}` : ''}`,
    '',
    `Target: ` +
      `${r.target}${r.mockCosts === null ? '' : ` (embedded mock; costs: ${r.mockCosts.profile ?? 'hand-set'})`}. ${r.partial ? 'Partial: the run did not finish. ' : ''}${r.stoppedEarly === null ? '' : `Stopped early: ${r.stoppedEarly}. `}Ran ${fmt(r.elapsedSeconds)} s of ${fmt(r.plannedSeconds)} s planned.`,
    '',
    ...compressionLines(r),
    '| arrivals planned | due | sent | dropped (maxInFlight) | late (> lateMs) | interrupted | ' +
      'operations | failed | met a 429 | retries |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${a.planned} | ${a.due} | ${a.sent} | ${a.dropped} | ${a.late} | ${a.interrupted} | ${r.operations} | ${r.failed} | ${r.throttledOps} | ${r.retries} |`,
    '',
    `429s by limit: ${throttledByLimit(r.throttledByCode)}.`,
    '',
    ...(r.warnings.length === 0 ? [] : ['Warnings:', '', ...r.warnings.map((w) => `- ${w}`), '']),
    'Latency is measured from each operation’s intended start, so time an arrival spent waiting ' +
      'to be sent counts (no coordinated omission).',
    '',
    '| workload | operations | failed | p50 ms | p95 ms | p99 ms | max ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| all | ` +
      `${r.operations} | ${r.failed} | ${fmt(r.latencyMs.p50)} | ${fmt(r.latencyMs.p95)} | ${fmt(r.latencyMs.p99)} | ${fmt(r.latencyMs.max)} |`,
    ...r.byWorkload.map(
      (w) =>
        `| ${w.name} | ${w.operations} | ${w.failed} | ${fmt(w.latencyMs.p50)} | ${fmt(w.latencyMs.p95)} | ${fmt(w.latencyMs.p99)} | ${fmt(w.latencyMs.max)} |`,
    ),
    '',
    '## Objectives',
    '',
    ...(r.slos.length === 0
      ? ['None set (`load.slos`).']
      : [
          '| objective | result | windows | worst window |',
          '| --- | --- | --- | --- |',
          ...r.slos.map((s) => {
            const worst = worstWindow(s);
            return `| ${s.name} | ${s.ok ? 'met' : '**missed**'} | ${windowCount(s)} | ${worst === undefined ? '–' : describeWindow(worst)} |`;
          }),
        ]),
    '',
    '## Soak',
    '',
    trendLine('client memory (RSS)', r.soak.clientRssMb, 'MB'),
    trendLine('p95 latency', r.soak.p95Ms, 'ms'),
    '',
    'Trends are fitted over the constant-rate stages only (a ramp raises latency by design); ' +
      'growth past 20% is flagged.',
    '',
    ...(r.errors.length === 0
      ? []
      : ['## Errors', '', ...r.errors.map((e) => `- ${e.count} × ${e.kind}: ${e.message}`), '']),
    '![load over time](load.png)',
    '',
    '![CPU and memory over time](load-resources.png)',
    '',
  ];
  return lines.join('\n');
}

/** junit.xml: the run, then one test case per objective (a failure names its worst window). */
export function renderLoadJunit(r: LoadResults): string {
  const name = xml(r.scenarioName);
  const cases = [
    `    <testcase classname="dvbench.` +
      `${name}" name="load: verdict" time="` +
      `${r.elapsedSeconds.toFixed(3)}">${r.verdict.status === 'failed' ? `<failure message="${xml(r.verdict.reasons.join('; '))}" type="verdict"/>` : ''}</testcase>`,
    ...r.slos.map((s) => {
      const lost = s.windows.filter((w) => !w.ok);
      const worst = worstWindow(s);
      const body =
        lost.length === 0
          ? ''
          : `<failure message="` +
            `${xml(`${s.name}: ${windowCount(s)}${worst === undefined ? '' : `; worst ${describeWindow(worst)}`}`)}" type="objective">${xml(lost.map(describeWindow).join('\n'))}</failure>`;
      return `    <testcase classname="dvbench.${name}" name="${xml(`objective: ${s.name}`)}">${body}</testcase>`;
    }),
  ];
  const note = timeCompressionNote(r);
  const properties =
    note === undefined
      ? ''
      : `    <properties><property name="dvbench.timeScale" value="${r.timeScale}"/><property name="dvbench.note" value="${xml(note)}"/></properties>\n`;
  const failures = (r.verdict.status === 'failed' ? 1 : 0) + r.slos.filter((s) => !s.ok).length;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="dvbench.` +
    `${name}" tests="${cases.length}" failures="${failures}">\n${properties}${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`
  );
}
