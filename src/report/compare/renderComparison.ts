import type { ChartConfiguration } from 'chart.js';
import { renderChart } from '../charts/renderChart.js';
import { escapeMarkup as escapeHtml } from '../escapeMarkup.js';
import type { Comparison, FigureChange } from './compareRuns.js';

const pct = (x: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : 'from 0');
const pval = (f: FigureChange): string => (f.p === null ? '–' : f.p < 0.001 ? '<0.001' : f.p.toFixed(3));

function rows(c: Comparison): string[][] {
  return c.strategies.flatMap((s) => [
    ...s.figures.map((f) => [
      s.strategy,
      f.figure,
      `${f.base.toFixed(f.unit === '%' ? 2 : 1)} ${f.unit}`,
      `${f.current.toFixed(f.unit === '%' ? 2 : 1)} ${f.unit}`,
      pct(f.change),
      pval(f),
      f.verdict,
    ]),
    [
      s.strategy,
      'verdict',
      s.verdicts.base,
      s.verdicts.current,
      '',
      '',
      s.verdicts.base === s.verdicts.current ? 'same' : `${s.verdicts.base} → ${s.verdicts.current}`,
    ],
  ]);
}

function runs(c: Comparison): string[] {
  return [
    `Base: ${c.base.path} (run ${c.base.runId}, started ${c.base.startedAt}, verdict ${c.base.verdict})`,
    `Current: ${c.current.path} (run ${c.current.runId}, started ${c.current.startedAt}, verdict ${c.current.verdict})`,
  ];
}

const HEADER = ['strategy', 'figure', 'base', 'current', 'change', 'p', 'verdict'];

function summary(c: Comparison): string {
  return c.regressions === 0
    ? `No regression: nothing significantly slower beyond ` +
        `${(c.tolerance * 100).toFixed(0)}% (Welch's t-test, p < ${c.alpha}), no more failed ` +
        `operations, no worse verdict.`
    : `Regression in ${c.regressions} strateg${c.regressions === 1 ? 'y' : 'ies'}: ${c.strategies
        .filter((s) => s.regression)
        .map((s) => `${s.strategy} (${s.reasons.join(', ')})`)
        .join('; ')}. Slower means significantly (Welch's t-test, p < ` +
        `${c.alpha}) and beyond the ${(c.tolerance * 100).toFixed(0)}% tolerance.`;
}

export function renderComparisonMarkdown(c: Comparison, chartFile: string | undefined): string {
  const out = [`# dvbench compare: ${c.scenario}`, '', `**${summary(c)}**`, '', ...runs(c).map((r) => `- ${r}`), ''];
  if (c.prediction !== undefined) out.push(`> ${c.prediction}`, '');
  if (c.environmentDiffers.length > 0)
    out.push(`> Compared across different environments (forced): ${c.environmentDiffers.join('; ')}.`, '');
  out.push(
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map(() => '---').join(' | ')} |`,
    ...rows(c).map((r) => `| ${r.join(' | ')} |`),
    '',
  );
  if (c.onlyInBase.length > 0) out.push(`Only in the base run: ${c.onlyInBase.join(', ')}.`, '');
  if (c.onlyInCurrent.length > 0) out.push(`Only in the current run: ${c.onlyInCurrent.join(', ')}.`, '');
  if (chartFile !== undefined) out.push(`![Change in wall time](${chartFile})`, '');
  return `${out.join('\n').trimEnd()}\n`;
}

export function renderComparisonHtml(c: Comparison, chart: Buffer | undefined): string {
  const body = rows(c)
    .map(
      (r) =>
        `<tr class="` +
        `${r[6] === 'slower' || r[6] === 'more errors' || (r[6]?.includes('→') ?? false) ? 'fail' : r[6] === 'faster' ? 'pass' : ''}">${r.map((x) => `<td>${escapeHtml(x)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dvbench compare: ${escapeHtml(c.scenario)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem}th{background:#f3f3f3}.fail{color:#b00020;font-weight:bold}.pass{color:#1b5e20}img{max-width:100%}</style></head><body>
<h1>dvbench compare: ${escapeHtml(c.scenario)}</h1>
<p><strong>${escapeHtml(summary(c))}</strong></p>
${c.prediction === undefined ? '' : `<p class="note">${escapeHtml(c.prediction)}</p>`}
<ul>${runs(c)
    .map((r) => `<li>${escapeHtml(r)}</li>`)
    .join('')}</ul>
<table><thead><tr>${HEADER.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>
${body}
</tbody></table>
${chart === undefined ? '' : `<img alt="Change in wall time per strategy" src="data:image/png;base64,${chart.toString('base64')}">`}
</body></html>
`;
}

/** A horizontal bar per strategy: the change in mean wall time, red when significantly slower. */
export function renderComparisonChart(c: Comparison): Buffer | undefined {
  if (c.strategies.length === 0) return undefined;
  const wall = c.strategies.map((s) => s.figures.find((f) => f.figure === 'wall time'));
  const config: ChartConfiguration = {
    type: 'bar',
    data: {
      labels: c.strategies.map((s) => s.strategy),
      datasets: [
        {
          label: 'change in mean wall time (%)',
          data: wall.map((f) => (f === undefined ? 0 : f.change * 100)),
          backgroundColor: wall.map((f) =>
            f?.verdict === 'slower' ? '#d62728' : f?.verdict === 'faster' ? '#2ca02c' : '#9e9e9e',
          ),
        },
      ],
    },
    options: {
      indexAxis: 'y',
      plugins: {
        title: { display: true, text: `Change in wall time: ${c.scenario}`, font: { size: 24, weight: 'bold' } },
        subtitle: {
          display: true,
          text: 'red: significantly slower; green: significantly faster; grey: no significant change',
          font: { size: 16 },
        },
        legend: { display: false },
      },
      scales: {
        x: { title: { display: true, text: 'change in mean wall time (%), lower is better' } },
        y: { title: { display: true, text: 'strategy' } },
      },
    },
  };
  return renderChart(config);
}
