import type { RunResults, StrategyResult } from '../runner/RunResults.js';
import { timeCompressionNote } from './timeCompressionNote.js';
import { verdictHeadline } from '../runner/verdict.js';
import { causeLines } from './renderMarkdown.js';

import { measuredCells, nameCell } from './strategyCells.js';

function row(s: StrategyResult): string[] {
  const half = (s.wallMs.ci95[1] - s.wallMs.ci95[0]) / 2;
  return [
    nameCell(s),
    s.verdict.status,
    s.repetitions.length === 0
      ? '–'
      : s.wallMs.n < 2
        ? `${s.wallMs.mean.toFixed(0)} (n=1)`
        : `${s.wallMs.mean.toFixed(0)} ±${half.toFixed(0)}`,
    ...measuredCells(s),
    String(s.throttled.total),
    String(s.retries),
    `${s.client.cpuPercent.toFixed(0)}%${s.client.generatorBound === true ? '!' : ''}`,
    s.server === null ? '–' : `${s.server.cpuPercent.toFixed(0)}%`,
  ];
}

const HEADER = [
  'strategy',
  'verdict',
  'wall ms (±95% CI)',
  'speedup',
  'effic.',
  'ops/s',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'errors',
  '429s',
  'retries',
  'client CPU',
  'server CPU',
];

/** On a calibrated profile, what the brackets after ops/s are. */
function intervalNote(results: RunResults): string[] {
  const costs = results.mockCosts;
  const spread = costs?.uncertainty;
  if (costs === null || spread === null || spread === undefined) return [];
  return [
    `ops/s in brackets: the 90% interval the org's throughput should fall in, from profile ` +
      `${costs.profile ?? '?'}'s calibration (${spread.degreesOfFreedom} held-out ` +
      `${spread.basis === 'validation' ? 'strategies' : 'figures'}, spread ${(spread.predictionLogSd * 100).toFixed(1)}%)`,
  ];
}

/** With phases, each strategy's phases in order; against an org, what set-up cost. */
function phaseAndSetupLines(results: RunResults): string[] {
  const lines: string[] = [];
  for (const s of results.strategies)
    if (s.phases !== undefined && s.phases.length > 0)
      lines.push(
        `phases of ` +
          `${s.name}: ${s.phases.map((p) => `${p.name} ${p.wallMs.toFixed(0)} ms (${p.opsPerSec.toFixed(1)} ops/s)`).join(', then ')}`,
      );
  const { setup } = results;
  if (setup !== undefined && setup !== null && results.target.kind === 'org' && setup.requests > 0)
    lines.push(
      `set-up, not measured: ${setup.created} record(s) created or put back, ` +
        `${setup.deleted} deleted, ${setup.requests} request(s), ${(setup.ms / 1000).toFixed(1)} s`,
    );
  return lines;
}

/** A plain-text table: the first two columns (names) left-aligned, the figures right-aligned. */
export function textTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): { header: string; rule: string; rows: string[] } {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r.map((cell, c) => (c <= 1 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ');
  return { header: line(header), rule: widths.map((w) => '-'.repeat(w)).join('  '), rows: rows.map(line) };
}

/** The plain-text summary printed at the end of a run: the verdict first, the table, then the causes of failures. */
export function formatSummaryTable(results: RunResults): string {
  const table = textTable(HEADER, results.strategies.map(row));
  const out = [
    verdictHeadline(results.verdict),
    ...(results.strategies.length === 0 ? [] : ['', table.header, table.rule, ...table.rows]),
  ];
  const notes: string[] = [];
  const compressed = timeCompressionNote(results);
  if (compressed !== undefined) notes.push(`${compressed}.`);
  notes.push(
    `${results.plan.operations} operations per repetition; ` +
      `${results.strategies[0]?.repetitions.length ?? 0} measured repetition(s) per strategy; latencies are ` +
      `response times of each strategy's own requests ($batch for batch, changesets for transaction, bulk ` +
      `messages for bulk); CPU in % of one core.`,
  );
  if (results.strategies.some((s) => s.client.generatorBound === true))
    notes.push('client CPU marked !: the load generator, not the target, set the pace (see the warnings).');
  notes.push(...intervalNote(results));
  if (results.fastest !== null) notes.push(`fastest: ${results.fastest}`);
  if (results.recommended !== null)
    notes.push(
      `recommended: ${results.recommended} (fewest workers within 5% of the best throughput, no errors, no 429s)`,
    );
  else if (results.strategies.length > 0)
    notes.push('recommended: none (every strategy failed, or met errors or 429s)');
  notes.push(...phaseAndSetupLines(results));
  const causes = causeLines(results);
  if (causes.length > 0) notes.push('', 'causes of failed operations:', ...causes.map((c) => `  ${c}`));
  for (const w of results.warnings) notes.push(`warning: ${w}`);
  return `${out.join('\n')}\n\n${notes.join('\n')}\n`;
}
