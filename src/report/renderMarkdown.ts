import type { RunResults, SliceResult, StrategyResult } from '../runner/RunResults.js';
import { verdictHeadline } from '../runner/verdict.js';
import type { ThresholdOutcome } from '../runner/evaluateThresholds.js';
import { runFacts } from './runFacts.js';

import { fixed as num, measuredCells, nameCell } from './strategyCells.js';
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

function throttledCell(s: StrategyResult): string {
  const entries = Object.entries(s.throttled.byCode).filter(([, n]) => n > 0);
  return entries.length === 0 ? '0' : entries.map(([code, n]) => `${n} (${code})`).join(', ');
}

/** Client CPU, with its cost per request and a mark when the generator set the pace. */
function clientCpuCell(s: StrategyResult): string {
  const perRequest =
    typeof s.client.cpuMicrosPerRequest === 'number' ? ` (${s.client.cpuMicrosPerRequest} µs/req)` : '';
  return `${s.client.cpuPercent.toFixed(0)}%${perRequest}${s.client.generatorBound === true ? ' ⚠ generator-bound' : ''}`;
}

export function strategyRows(results: RunResults): string[][] {
  return results.strategies.map((s) => [
    nameCell(s),
    s.verdict.status,
    s.repetitions.length === 0
      ? '–'
      : `${s.wallMs.mean.toFixed(0)} ±${((s.wallMs.ci95[1] - s.wallMs.ci95[0]) / 2).toFixed(0)}`,
    ...measuredCells(s),
    throttledCell(s),
    String(s.retries),
    clientCpuCell(s),
    mb(s.client.peakRssBytes),
    s.server === null ? '–' : `${s.server.cpuPercent.toFixed(0)}%`,
  ]);
}

export const STRATEGY_HEADER = [
  'strategy',
  'verdict',
  'wall ms ±95% CI',
  'speedup',
  'efficiency',
  'ops/s',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'errors',
  '429s by limit',
  'retries',
  'client CPU',
  'client peak RSS',
  'server CPU',
];

export function verdictLines(results: RunResults): string[] {
  const lines: string[] = [];
  if (results.fastest !== null) lines.push(`Fastest: **${results.fastest}**.`);
  lines.push(
    results.recommended === null
      ? 'Recommended: none (every strategy failed, or met errors or 429s).'
      : `Recommended: **${results.recommended}** (the fewest workers within 5% of the best ` +
          `throughput, with no errors and no 429s).`,
  );
  return lines;
}

/**
 * One line per distinct cause of failed operations, strategy by strategy: `async:4: 30 × HTTP 400
 * 0x80060888: <message> (first: …)`.
 */
export function causeLines(results: RunResults): string[] {
  const out: string[] = [];
  for (const s of results.strategies) {
    if (s.aborted !== null) out.push(`${s.name}: aborted: ${s.aborted}`);
    for (const c of s.errors.causes)
      out.push(`${s.name}: ${c.count} × ${c.kind}: ${c.message} (first: ${c.firstOperation})`);
  }
  return out;
}

/** Strategies whose every operation failed: their audit found nothing wrong because nothing landed to check. */
export function uncheckedAudits(results: RunResults): StrategyResult[] {
  return results.strategies.filter((s) => s.integrity.ok && s.errors.rate >= 1);
}

export function integrityLine(results: RunResults): string {
  const failedAudits = results.strategies.filter((s) => !s.integrity.ok);
  if (failedAudits.length > 0)
    return (
      `Integrity audit: **FAILED** for ` +
      `${failedAudits.map((s) => `${s.name} (${s.integrity.problemCount} problem(s), e.g. ${s.integrity.problems[0] ?? ''})`).join('; ')}.`
    );
  const unchecked = uncheckedAudits(results);
  const what =
    'every planned create, update, upsert and delete found as planned; rolled-back transactions ' +
    'left nothing; no record unaccounted for';
  if (unchecked.length === 0) return `Integrity audit: passed for every strategy (${what}).`;
  const names = unchecked.map((s) => s.name).join(', ');
  return unchecked.length === results.strategies.length
    ? 'Integrity audit: nothing to check: every operation failed, so no write landed to verify.'
    : `Integrity audit: nothing to check for ${names} (every operation failed); passed for the others (${what}).`;
}

/** With phases: each strategy's phases in order, mean wall time and throughput, and their total. */
export function phaseRows(results: RunResults): string[][] {
  const rows: string[][] = [];
  for (const s of results.strategies) {
    if (s.phases === undefined || s.phases.length === 0) continue;
    for (const p of s.phases)
      rows.push([
        s.name,
        `${p.workload}: ${p.name}`,
        String(Math.round(p.operations)),
        num(p.wallMs, 0),
        num(p.opsPerSec, 1),
      ]);
    rows.push([s.name, 'all phases', String(s.operations), num(s.wallMs.mean, 0), num(s.throughput.opsPerSec, 1)]);
  }
  return rows;
}

export const PHASE_HEADER = ['strategy', 'phase', 'operations', 'wall ms (mean)', 'ops/s'];

/** Per workload and request kind: where each strategy's operations, errors and time went. */
/** A count over all measured repetitions, per repetition (one decimal when they differed). */
function perRepetition(total: number, repetitions: number): string {
  const n = total / Math.max(1, repetitions);
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** Per workload and request kind, counts per measured repetition (as the plan line counts operations). */
export function breakdownRows(results: RunResults): string[][] {
  const rows: string[][] = [];
  for (const s of results.strategies) {
    const reps = s.repetitions.length;
    const slices: [string, SliceResult][] = [
      ...s.byWorkload.map((w): [string, SliceResult] => [`${w.workload}: ${w.name}`, w]),
      ...Object.entries(s.byRequestKind).map(([kind, k]): [string, SliceResult] => [`${kind} requests`, k]),
    ];
    for (const [label, slice] of slices)
      rows.push([
        s.name,
        label,
        perRepetition(slice.operations, reps),
        perRepetition(slice.failedOperations, reps),
        perRepetition(slice.requests, reps),
        num(slice.latencyMs.p50, 1),
        num(slice.latencyMs.p95, 1),
      ]);
  }
  return rows;
}

export const BREAKDOWN_HEADER = [
  'strategy',
  'workload / request kind',
  'operations / rep',
  'failed / rep',
  'requests / rep',
  'p50 ms',
  'p95 ms',
];

/** Markdown text from a scenario or a server: no raw HTML (a `<script>` stays text) and no broken table. */
function cell(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\|/g, '\\|');
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i <= 1 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
}

/** The verdict, the threshold count, and what was run where. */
function headerLines(results: RunResults, thresholds: readonly ThresholdOutcome[]): string[] {
  const out = [`# dvbench: ${cell(results.scenario.name)}`, '', `**${cell(verdictHeadline(results.verdict))}**`, ''];
  const counted = thresholds.filter((t) => !t.skipped);
  if (counted.length > 0) {
    const missed = counted.filter((t) => !t.passed).length;
    const summary = missed === 0 ? `all ${counted.length} passed` : `${missed} of ${counted.length} missed`;
    out.push(`**Thresholds: ${summary}**`, '');
  }
  if (results.scenario.description !== '') out.push(cell(results.scenario.description), '');
  if (results.partial)
    out.push(
      `> **Partial results** (${cell(results.interruption ?? 'interrupted')}): only what finished is shown.`,
      '',
    );
  for (const f of runFacts(results))
    out.push(`- ${f.label}: ${cell(f.text)}${f.code === undefined ? '' : ` \`${f.code}\``}`);
  out.push('');
  return out;
}

/** Causes, the breakdown, warnings, thresholds and charts: each only when it has something to say. */
function detailLines(
  results: RunResults,
  thresholds: readonly ThresholdOutcome[],
  chartFiles: readonly { file: string; title: string }[],
): string[] {
  const out: string[] = [];
  const causes = causeLines(results);
  if (causes.length > 0) out.push('## Causes of failed operations', '', ...causes.map((c) => `- ${cell(c)}`), '');
  const phases = phaseRows(results);
  if (phases.length > 0)
    out.push(
      '## Phases',
      '',
      "Each workload ran to its end before the next (the scenario's `phases`).",
      '',
      ...table(PHASE_HEADER, phases),
      '',
    );
  const breakdown = breakdownRows(results);
  if (breakdown.length > 0) out.push('## Per workload and request kind', '', ...table(BREAKDOWN_HEADER, breakdown), '');
  if (results.warnings.length > 0) out.push('Warnings:', '', ...results.warnings.map((w) => `- ${cell(w)}`), '');
  if (thresholds.length > 0) {
    out.push('## Thresholds', '');
    for (const t of thresholds)
      out.push(`- ${t.skipped ? 'skipped' : t.passed ? 'pass' : '**FAIL**'}: ${cell(t.message)}`);
    out.push('');
  }
  if (chartFiles.length > 0) {
    out.push('## Charts', '');
    for (const c of chartFiles) out.push(`![${c.title}](${c.file})`, '');
  }
  return out;
}

/** report.md: the verdict, scenario and environment, the strategies table, causes, breakdown, thresholds, charts. */
export function renderMarkdown(
  results: RunResults,
  thresholds: readonly ThresholdOutcome[],
  chartFiles: readonly { file: string; title: string }[],
): string {
  const out = [
    ...headerLines(results, thresholds),
    ...table(STRATEGY_HEADER, strategyRows(results)),
    '',
    "Latencies are response times of each strategy's own requests ($batch, changesets, bulk " +
      'messages or single requests); CPU in % of one core.',
    '',
    ...verdictLines(results),
    '',
    integrityLine(results),
    '',
    ...detailLines(results, thresholds, chartFiles),
  ];
  return `${out.join('\n').trimEnd()}\n`;
}
