import type { ErrorCause } from '../metrics/MeasurementSink.js';

/** ok: nothing failed; degraded: some operations failed, within the scenario's `maxErrorRate`; failed: anything worse. */
export type VerdictStatus = 'ok' | 'degraded' | 'failed';

export interface Verdict {
  readonly status: VerdictStatus;
  /** Why, in the words every output uses: empty for ok. */
  readonly reasons: readonly string[];
}

const RANK: Record<VerdictStatus, number> = { ok: 0, degraded: 1, failed: 2 };

/** The verdict's headline, the same in the terminal, report.md, report.html and junit.xml. */
export function verdictHeadline(v: Verdict): string {
  const word = v.status === 'ok' ? 'OK' : v.status === 'degraded' ? 'DEGRADED' : 'FAILED';
  return v.reasons.length === 0 ? `Verdict: ${word}` : `Verdict: ${word}: ${v.reasons.join('; ')}`;
}

function percent(x: number): string {
  return `${(x * 100).toFixed(x > 0 && x < 0.001 ? 3 : 1).replace(/\.0$/, '')}%`;
}

function topCause(causes: readonly ErrorCause[]): string {
  const top = [...causes].sort((a, b) => b.count - a.count)[0];
  return top === undefined ? '' : ` (mostly ${top.kind}: ${top.message})`;
}

export interface JudgedStrategy {
  readonly operationsAttempted: number;
  readonly failedOperations: number;
  readonly causes: readonly ErrorCause[];
  readonly integrityOk: boolean;
  readonly integrityProblems: number;
  readonly aborted: string | null;
  readonly measuredRepetitions: number;
}

/**
 * A strategy's verdict: failed when it was aborted, no repetition finished, its audit found a
 * lost, duplicated or wrong write, or more operations failed than `maxErrorRate` allows;
 * degraded when some failed within it; ok otherwise.
 */
export function judgeStrategy(s: JudgedStrategy, maxErrorRate: number): Verdict {
  const failed: string[] = [];
  if (s.aborted !== null) failed.push(`aborted: ${s.aborted}`);
  if (s.measuredRepetitions === 0 && s.aborted === null) failed.push('no measured repetition finished');
  if (!s.integrityOk) failed.push(`integrity audit found ${s.integrityProblems} problem(s)`);
  const rate = s.operationsAttempted === 0 ? 0 : s.failedOperations / s.operationsAttempted;
  const errors = `${s.failedOperations} of ${s.operationsAttempted} operations failed (${percent(rate)}; allowed ${percent(maxErrorRate)})${topCause(s.causes)}`;
  if (s.failedOperations > 0 && (rate > maxErrorRate || failed.length > 0)) failed.push(errors);
  if (failed.length > 0) return { status: 'failed', reasons: failed };
  if (s.failedOperations > 0) return { status: 'degraded', reasons: [errors] };
  return { status: 'ok', reasons: [] };
}

/** The run's verdict: the worst of its strategies', naming them, or failed when the run itself could not go on. */
export function judgeRun(
  strategies: readonly { readonly name: string; readonly verdict: Verdict }[],
  runError: string | null,
): Verdict {
  const reasons: string[] = [];
  if (runError !== null) reasons.push(runError);
  let worst: VerdictStatus = runError === null ? 'ok' : 'failed';
  for (const s of strategies) {
    if (RANK[s.verdict.status] > RANK[worst]) worst = s.verdict.status;
    if (s.verdict.status !== 'ok') reasons.push(`${s.name} ${s.verdict.status}: ${s.verdict.reasons[0] ?? ''}`);
  }
  if (strategies.length === 0 && runError === null)
    return { status: 'failed', reasons: ['no strategy finished a measured repetition'] };
  return { status: worst, reasons };
}
