import { escapeMarkup as escapeHtml } from './escapeMarkup.js';
import type { RunResults } from '../runner/RunResults.js';
import { verdictHeadline } from '../runner/verdict.js';
import type { ThresholdOutcome } from '../runner/evaluateThresholds.js';
import { runFacts } from './runFacts.js';
import {
  BREAKDOWN_HEADER,
  breakdownRows,
  PHASE_HEADER,
  phaseRows,
  causeLines,
  integrityLine,
  uncheckedAudits,
  STRATEGY_HEADER,
  strategyRows,
  verdictLines,
} from './renderMarkdown.js';

export const STYLE = `body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1280px;color:#222;padding:0 1rem}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.9rem}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:right;white-space:nowrap}th:first-child,td:first-child,th:nth-child(2),td:nth-child(2){text-align:left}
th{background:#f3f3f3}.fail{color:#b00020;font-weight:bold}.pass{color:#1b5e20}img{max-width:100%;border:1px solid #ddd;margin:.5rem 0}.note{background:#fff4e5;padding:.5rem 1rem}
.verdict{padding:.75rem 1rem;font-size:1.1rem;border-radius:4px}.v-ok{background:#e8f5e9}.v-degraded{background:#fff4e5}.v-failed{background:#fdecea;color:#b00020}.v-interrupted{background:#ede7f6;color:#4527a0}
tr.failed td{color:#b00020}tr.degraded td{color:#8a5300}`;

/** Markdown's **bold** to <strong>, after escaping. */
function inline(text: string): string {
  return escapeHtml(text).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>');
}

export function table(
  header: readonly string[],
  rows: readonly string[][],
  rowClass: (i: number) => string = () => '',
): string {
  const body = rows
    .map((r, i) => `<tr class="${rowClass(i)}">${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return (
    `<div class="scroll"><table><thead><tr>` +
    `${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>\n${body}\n</tbody></table></div>`
  );
}

function headerParts(results: RunResults, thresholds: readonly ThresholdOutcome[]): string[] {
  const counted = thresholds.filter((t) => !t.skipped);
  const missed = counted.filter((t) => !t.passed).length;
  return [
    `<h1>dvbench: ${escapeHtml(results.scenario.name)}</h1>`,
    `<p class="verdict v-${results.verdict.status}">${escapeHtml(verdictHeadline(results.verdict))}</p>`,
    counted.length === 0
      ? ''
      : `<p class="${missed === 0 ? 'pass' : 'fail'}">Thresholds: ` +
        `${missed === 0 ? `all ${counted.length} passed` : `${missed} of ${counted.length} missed`}</p>`,
    results.scenario.description === '' ? '' : `<p>${escapeHtml(results.scenario.description)}</p>`,
    results.partial
      ? `<p class="note"><strong>Partial results</strong> (` +
        `${escapeHtml(results.interruption ?? 'interrupted')}): only what ` +
        `finished is shown.</p>`
      : '',
    '<ul>',
    ...runFacts(results).map(
      (f) =>
        `<li>` +
        `${f.label}: ${escapeHtml(f.text)}${f.code === undefined ? '' : ` <code>${escapeHtml(f.code)}</code>`}</li>`,
    ),
    '</ul>',
  ];
}

function listSection(title: string, items: readonly string[], itemClass: (i: number) => string): string[] {
  if (items.length === 0) return [];
  return [
    `<h2>${title}</h2><ul>`,
    ...items.map((text, i) => `<li class="${itemClass(i)}">${escapeHtml(text)}</li>`),
    '</ul>',
  ];
}

/** report.html: one self-contained file (styles and charts inline, nothing fetched) that opens offline. */
export function renderHtml(
  results: RunResults,
  thresholds: readonly ThresholdOutcome[],
  charts: readonly { title: string; png: Buffer }[],
): string {
  const breakdown = breakdownRows(results);
  const thresholdClass = (i: number): string => {
    const t = thresholds[i];
    return t === undefined || t.skipped ? '' : t.passed ? 'pass' : 'fail';
  };
  const parts = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>dvbench: ${escapeHtml(results.scenario.name)}</title><style>${STYLE}</style></head><body>`,
    ...headerParts(results, thresholds),
    table(STRATEGY_HEADER, strategyRows(results), (i) => results.strategies[i]?.verdict.status ?? ''),
    "<p>Latencies are response times of each strategy's own requests ($batch, changesets, bulk " +
      'messages or single requests); CPU in % of one core.</p>',
    ...verdictLines(results).map((l) => `<p>${inline(l)}</p>`),
    `<p class="` +
      `${!results.integrity.ok ? 'fail' : uncheckedAudits(results).length === results.strategies.length ? 'note' : 'pass'}">${inline(integrityLine(results))}</p>`,
    ...listSection('Causes of failed operations', causeLines(results), () => 'fail'),
    ...(phaseRows(results).length === 0 ? [] : ['<h2>Phases</h2>', table(PHASE_HEADER, phaseRows(results))]),
    ...(breakdown.length === 0 ? [] : ['<h2>Per workload and request kind</h2>', table(BREAKDOWN_HEADER, breakdown)]),
    ...listSection('Warnings', results.warnings, () => 'fail'),
    ...listSection(
      'Thresholds',
      thresholds.map((t) => `${t.skipped ? 'skipped' : t.passed ? 'pass' : 'FAIL'}: ${t.message}`),
      thresholdClass,
    ),
    ...(charts.length === 0
      ? []
      : [
          '<h2>Charts</h2>',
          ...charts.map(
            (c) =>
              `<figure><img alt="` +
              `${escapeHtml(c.title)}" src="data:image/png;base64,${c.png.toString('base64')}"></figure>`,
          ),
        ]),
    '</body></html>',
  ];
  return `${parts.filter((p) => p !== '').join('\n')}\n`;
}
