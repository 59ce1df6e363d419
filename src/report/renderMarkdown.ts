import type { RunResults, StrategyResult } from '../runner/RunResults.js';
import type { ThresholdOutcome } from './evaluateThresholds.js';

const num = (n: number | null, digits = 2): string => (n === null || !Number.isFinite(n) ? '–' : n.toFixed(digits));
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

function throttledCell(s: StrategyResult): string {
  const entries = Object.entries(s.throttled.byCode).filter(([, n]) => n > 0);
  return entries.length === 0 ? '0' : entries.map(([code, n]) => `${n} (${code})`).join(', ');
}

/** The strategies table, shared by the Markdown and HTML reports. */
export function strategyRows(results: RunResults): string[][] {
  return results.strategies.map((s) => [
    s.name + (s.complete ? '' : ' (partial)'),
    `${s.wallMs.mean.toFixed(0)} [${s.wallMs.ci95[0].toFixed(0)}, ${s.wallMs.ci95[1].toFixed(0)}]`,
    s.speedup === null ? '–' : `${num(s.speedup)}×`,
    num(s.efficiency),
    s.throughput.opsPerSec.toFixed(1),
    s.throughput.requestsPerSec.toFixed(1),
    num(s.latencyMs.p50, 1),
    num(s.latencyMs.p95, 1),
    num(s.latencyMs.p99, 1),
    String(s.errors.total),
    throttledCell(s),
    String(s.retries),
    `${s.client.cpuPercent.toFixed(0)}%`,
    mb(s.client.peakRssBytes),
    s.server === null ? '–' : `${s.server.cpuPercent.toFixed(0)}%`,
  ]);
}

export const STRATEGY_HEADER = ['strategy', 'wall ms (95% CI)', 'speedup', 'efficiency', 'ops/s', 'requests/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', '429s by limit', 'retries', 'client CPU', 'client peak RSS', 'server CPU'];

export function verdictLines(results: RunResults): string[] {
  const lines: string[] = [];
  if (results.fastest !== null) lines.push(`Fastest: **${results.fastest}**.`);
  lines.push(
    results.recommended === null
      ? 'Recommended: none (every strategy met errors or 429s).'
      : `Recommended: **${results.recommended}** (the fewest workers within 5% of the best throughput, with no errors and no 429s).`,
  );
  return lines;
}

/** report.md: scenario and environment, the strategies table, verdicts, thresholds, charts. */
export function renderMarkdown(results: RunResults, thresholds: readonly ThresholdOutcome[], chartFiles: readonly { file: string; title: string }[]): string {
  const e = results.environment;
  const out: string[] = [];
  out.push(`# dvbench: ${results.scenario.name}`, '');
  if (results.scenario.description !== '') out.push(results.scenario.description, '');
  if (results.partial) out.push(`> **Partial results** (${results.interruption ?? 'interrupted'}): only what finished is shown.`, '');
  out.push(
    `- Target: ${results.target.kind === 'mock' ? 'embedded mock' : 'org'} ${results.target.url}`,
    `- Plan: ${results.plan.operations} operations per repetition (${Object.entries(results.plan.byKind).map(([k, n]) => `${n} ${k}`).join(', ')}), ${results.strategies[0]?.repetitions.length ?? 0} measured repetition(s) after ${results.scenario.warmup} warm-up`,
    `- Environment: dvbench ${e.dvbenchVersion}, Node ${e.node}, ${e.os} ${e.arch}, ${e.cpuModel} × ${e.cores}${e.ci ? ', CI' : ''}`,
    `- Run ${results.runId}, started ${results.startedAt}`,
    '',
  );
  out.push(`| ${STRATEGY_HEADER.join(' | ')} |`, `| ${STRATEGY_HEADER.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
  for (const row of strategyRows(results)) out.push(`| ${row.join(' | ')} |`);
  out.push('', ...verdictLines(results), '');
  const failedAudits = results.strategies.filter((s) => !s.integrity.ok);
  out.push(
    failedAudits.length === 0
      ? `Integrity audit: passed for every strategy (every planned create, update, upsert and delete found as planned; rolled-back transactions left nothing).`
      : `Integrity audit: **FAILED** for ${failedAudits.map((s) => `${s.name} (${s.integrity.problemCount} problem(s), e.g. ${s.integrity.problems[0] ?? ''})`).join('; ')}.`,
    '',
  );
  const warnings = results.warnings;
  if (warnings.length > 0) out.push('Warnings:', '', ...warnings.map((w) => `- ${w}`), '');
  if (thresholds.length > 0) {
    const failed = thresholds.filter((t) => !t.passed).length;
    out.push(`## Thresholds: ${failed === 0 ? 'all passed' : `${failed} of ${thresholds.length} missed`}`, '');
    for (const t of thresholds) out.push(`- ${t.passed ? 'pass' : '**FAIL**'}: ${t.message}`);
    out.push('');
  }
  if (chartFiles.length > 0) {
    out.push('## Charts', '');
    for (const c of chartFiles) out.push(`![${c.title}](${c.file})`, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
