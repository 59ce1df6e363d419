import { escapeMarkup as escapeHtml } from './escapeMarkup.js';
import type { RunResults } from '../runner/RunResults.js';
import type { ThresholdOutcome } from './evaluateThresholds.js';
import { STRATEGY_HEADER, strategyRows, verdictLines } from './renderMarkdown.js';


const STYLE = `body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1280px;color:#222;padding:0 1rem}
table{border-collapse:collapse;font-size:.9rem}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:right}th:first-child,td:first-child{text-align:left}
th{background:#f3f3f3}.fail{color:#b00020;font-weight:bold}.pass{color:#1b5e20}img{max-width:100%;border:1px solid #ddd;margin:.5rem 0}.note{background:#fff4e5;padding:.5rem 1rem}`;

/** Markdown's **bold** to <strong>, after escaping. */
function inline(text: string): string {
  return escapeHtml(text).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>');
}

/** report.html: one self-contained file (styles and charts inline, nothing fetched) that opens offline. */
export function renderHtml(results: RunResults, thresholds: readonly ThresholdOutcome[], charts: readonly { title: string; png: Buffer }[]): string {
  const e = results.environment;
  const rows = strategyRows(results)
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  const parts = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>dvbench: ${escapeHtml(results.scenario.name)}</title><style>${STYLE}</style></head><body>`,
    `<h1>dvbench: ${escapeHtml(results.scenario.name)}</h1>`,
    results.scenario.description === '' ? '' : `<p>${escapeHtml(results.scenario.description)}</p>`,
    results.partial ? `<p class="note"><strong>Partial results</strong> (${escapeHtml(results.interruption ?? 'interrupted')}): only what finished is shown.</p>` : '',
    '<ul>',
    `<li>Target: ${results.target.kind === 'mock' ? 'embedded mock' : 'org'} ${escapeHtml(results.target.url)}</li>`,
    `<li>Plan: ${results.plan.operations} operations per repetition</li>`,
    `<li>Environment: dvbench ${escapeHtml(e.dvbenchVersion)}, Node ${escapeHtml(e.node)}, ${escapeHtml(e.os)} ${escapeHtml(e.arch)}, ${escapeHtml(e.cpuModel)} × ${e.cores}</li>`,
    `<li>Run ${escapeHtml(results.runId)}, started ${escapeHtml(results.startedAt)}</li>`,
    '</ul>',
    `<table><thead><tr>${STRATEGY_HEADER.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>\n${rows}\n</tbody></table>`,
    ...verdictLines(results).map((l) => `<p>${inline(l)}</p>`),
    ...(results.warnings.length === 0 ? [] : ['<ul>', ...results.warnings.map((w) => `<li class="fail">${escapeHtml(w)}</li>`), '</ul>']),
  ];
  if (thresholds.length > 0) {
    parts.push('<h2>Thresholds</h2><ul>', ...thresholds.map((t) => `<li class="${t.passed ? 'pass' : 'fail'}">${t.passed ? 'pass' : 'FAIL'}: ${escapeHtml(t.message)}</li>`), '</ul>');
  }
  if (charts.length > 0) {
    parts.push('<h2>Charts</h2>', ...charts.map((c) => `<figure><img alt="${escapeHtml(c.title)}" src="data:image/png;base64,${c.png.toString('base64')}"><figcaption>${escapeHtml(c.title)}</figcaption></figure>`));
  }
  parts.push('</body></html>');
  return `${parts.filter((p) => p !== '').join('\n')}\n`;
}
