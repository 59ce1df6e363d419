import type { RunResults, StrategyResult } from '../runner/RunResults.js';

const fixed = (n: number | null, digits = 2): string => (n === null || !Number.isFinite(n) ? '–' : n.toFixed(digits));

function row(s: StrategyResult): string[] {
  const half = (s.wallMs.ci95[1] - s.wallMs.ci95[0]) / 2;
  return [
    s.name + (s.complete ? '' : ' (partial)'),
    `${s.wallMs.mean.toFixed(0)} ±${half.toFixed(0)}`,
    s.speedup === null ? '–' : `${fixed(s.speedup)}×`,
    fixed(s.efficiency),
    s.throughput.opsPerSec.toFixed(1),
    fixed(s.latencyMs.p50, 1),
    fixed(s.latencyMs.p95, 1),
    fixed(s.latencyMs.p99, 1),
    String(s.errors.total),
    String(s.throttled.total),
    String(s.retries),
    `${s.client.cpuPercent.toFixed(0)}%`,
    s.server === null ? '–' : `${s.server.cpuPercent.toFixed(0)}%`,
  ];
}

const HEADER = ['strategy', 'wall ms (95% CI)', 'speedup', 'effic.', 'ops/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', '429s', 'retries', 'client CPU', 'server CPU'];

/** The plain-text table printed at the end of a run. */
export function formatSummaryTable(results: RunResults): string {
  const rows = [HEADER, ...results.strategies.map(row)];
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]): string => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ');
  const out = [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  const notes: string[] = [];
  notes.push(`${results.plan.operations} operations per repetition; ${results.strategies[0]?.repetitions.length ?? 0} measured repetition(s) per strategy; latencies are response times per request.`);
  if (results.fastest !== null) notes.push(`fastest: ${results.fastest}`);
  if (results.recommended !== null) notes.push(`recommended: ${results.recommended} (fewest workers within 5% of the best throughput, no errors, no 429s)`);
  for (const w of results.warnings) notes.push(`warning: ${w}`);
  return `${out.join('\n')}\n\n${notes.join('\n')}\n`;
}
