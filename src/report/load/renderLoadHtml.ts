import type { LoadResults } from '../../load/LoadResults.js';
import { escapeMarkup as escapeHtml } from '../escapeMarkup.js';
import { STYLE } from '../renderHtml.js';

/** Markdown's **bold** and `code` to HTML, after escaping. */
function inline(text: string): string {
  return escapeHtml(text)
    .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/`(.+?)`/g, '<code>$1</code>');
}

const cells = (row: string): string[] =>
  row
    .replace(/^\|\s*|\s*\|$/g, '')
    .split(/\s*\|\s*/)
    .map((c) => c.trim());

/** A Markdown table block (header, rule, rows) as HTML. */
function tableHtml(rows: readonly string[]): string {
  const [head = '', , ...body] = rows;
  const th = cells(head)
    .map((c) => `<th>${inline(c)}</th>`)
    .join('');
  const tr = body
    .map(
      (r) =>
        `<tr>${cells(r)
          .map((c) => `<td>${inline(c)}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  return `<div class="scroll"><table><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table></div>`;
}

/** A Markdown image line as a figure with the chart inlined; nothing for a chart not drawn. */
function figure(line: string, charts: ReadonlyMap<string, Buffer>): string[] {
  const [, alt = '', file = ''] = /^!\[([^\]]*)\]\(([^)]*)\)/.exec(line) ?? [];
  const png = charts.get(file);
  return png === undefined
    ? []
    : [`<figure><img alt="${escapeHtml(alt)}" src="data:image/png;base64,${png.toString('base64')}"></figure>`];
}

/**
 * load.html: load.md's content as one self-contained page (the charts inlined), so a load test
 * reads in a browser or a CI artifact viewer as a benchmark's report.html does. Built from the
 * Markdown so that the two never say different things.
 */
export function renderLoadHtml(r: LoadResults, markdown: string, charts: ReadonlyMap<string, Buffer>): string {
  const out: string[] = [];
  const lines = markdown.split('\n');
  let list: string[] = [];
  const flush = (): void => {
    if (list.length > 0) out.push(`<ul>${list.map((l) => `<li>${inline(l)}</li>`).join('')}</ul>`);
    list = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.startsWith('- ')) flush();
    if (line.startsWith('|')) {
      const block: string[] = [];
      while ((lines[i] ?? '').startsWith('|')) block.push(lines[i++] ?? '');
      i--;
      out.push(tableHtml(block));
    } else if (line.startsWith('# ')) out.push(`<h1>${inline(line.slice(2))}</h1>`);
    else if (line.startsWith('## ')) out.push(`<h2>${inline(line.slice(3))}</h2>`);
    else if (line.startsWith('- ')) list.push(line.slice(2));
    else if (line.startsWith('**Verdict:')) out.push(`<p class="verdict v-${r.verdict.status}">${inline(line)}</p>`);
    else if (line.startsWith('![')) out.push(...figure(line, charts));
    else if (line.trim() !== '') out.push(`<p>${inline(line)}</p>`);
  }
  flush();
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>dvbench: ${escapeHtml(r.scenarioName)} (load test)</title><style>${STYLE}</style></head><body>`,
    ...out,
    '</body></html>',
    '',
  ].join('\n');
}
