import { EXIT } from '../errors/errorCatalogue.js';
import type { ErrorCause } from '../metrics/MeasurementSink.js';
import { evaluateThresholds, type ThresholdInput, type ThresholdOutcome } from './evaluateThresholds.js';
import type { RunResults } from './RunResults.js';

/**
 * ok: nothing failed; degraded: some operations failed, within the scenario's `maxErrorRate`;
 * failed: anything worse, or a threshold missed; interrupted (a run's only): stopped by Ctrl-C
 * or a signal before it finished, whatever it had measured.
 */
type VerdictStatus = 'ok' | 'degraded' | 'failed' | 'interrupted';

export interface Verdict {
  readonly status: VerdictStatus;
  /** Why, in the words every output uses: empty for ok. */
  readonly reasons: readonly string[];
}

const RANK: Record<VerdictStatus, number> = { ok: 0, degraded: 1, failed: 2, interrupted: 3 };

const WORD: Record<VerdictStatus, string> = {
  ok: 'OK',
  degraded: 'DEGRADED',
  failed: 'FAILED',
  interrupted: 'INTERRUPTED',
};

/** The verdict's headline, the same in the terminal, report.md, report.html, junit.xml and the step summary. */
export function verdictHeadline(v: Verdict): string {
  const word = WORD[v.status];
  return v.reasons.length === 0 ? `Verdict: ${word}` : `Verdict: ${word}: ${v.reasons.join('; ')}`;
}

/** The exit code a verdict means: 0 ok or degraded, 1 failed (a threshold missed included), 130 interrupted. */
export function verdictExitCode(v: Verdict): number {
  return v.status === 'failed' ? EXIT.failed : v.status === 'interrupted' ? EXIT.interrupted : EXIT.ok;
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
  const errors =
    `${s.failedOperations} of ` +
    `${s.operationsAttempted} operations failed (` +
    `${percent(rate)}; allowed ${percent(maxErrorRate)})${topCause(s.causes)}`;
  if (s.failedOperations > 0 && (rate > maxErrorRate || failed.length > 0)) failed.push(errors);
  if (failed.length > 0) return { status: 'failed', reasons: failed };
  if (s.failedOperations > 0) return { status: 'degraded', reasons: [errors] };
  return { status: 'ok', reasons: [] };
}

/** How a run ended beyond its strategies: an error that stopped it, a signal, the thresholds. */
interface RunEnding {
  /** An error that stopped the run (the target failed, set-up failed), or null. */
  readonly runError: string | null;
  /** The signal (or reason) that interrupted it, or null when it ran to its end. */
  readonly interrupted?: string | null;
  readonly thresholds?: readonly ThresholdOutcome[];
}

/**
 * The run's verdict, the one every output renders: the worst of its strategies', naming them;
 * failed when the run could not go on or a threshold was missed; interrupted when a signal
 * stopped it (what it found before is in the reasons).
 */
function judgeRun(
  strategies: readonly { readonly name: string; readonly verdict: Verdict }[],
  ending: RunEnding,
): Verdict {
  const { runError } = ending;
  const reasons: string[] = [];
  if (ending.interrupted !== undefined && ending.interrupted !== null)
    reasons.push(`interrupted by ${ending.interrupted}`);
  if (runError !== null) reasons.push(runError);
  let worst: VerdictStatus = runError === null ? 'ok' : 'failed';
  for (const s of strategies) {
    if (RANK[s.verdict.status] > RANK[worst]) worst = s.verdict.status;
    if (s.verdict.status !== 'ok') reasons.push(`${s.name} ${s.verdict.status}: ${s.verdict.reasons[0] ?? ''}`);
  }
  const missed = thresholdsMissed(ending.thresholds ?? []);
  if (missed !== undefined) {
    worst = 'failed';
    reasons.push(missed);
  }
  if (ending.interrupted !== undefined && ending.interrupted !== null) return { status: 'interrupted', reasons };
  if (strategies.length === 0 && runError === null)
    return { status: 'failed', reasons: ['no strategy finished a measured repetition'] };
  return { status: worst, reasons };
}

function thresholdsMissed(thresholds: readonly ThresholdOutcome[]): string | undefined {
  const missed = thresholds.filter((t) => !t.passed && !t.skipped);
  if (missed.length === 0) return undefined;
  return (
    `${missed.length} threshold` +
    `${missed.length === 1 ? '' : 's'} missed: ${missed.map((t) => t.message).join('; ')}`
  );
}

/** A verdict written before it counted thresholds, with them counted (results files read from older runs). */
export function withThresholds(v: Verdict, thresholds: readonly ThresholdOutcome[]): Verdict {
  const missed = thresholdsMissed(thresholds);
  if (missed === undefined) return v;
  return { status: v.status === 'interrupted' ? v.status : 'failed', reasons: [...v.reasons, missed] };
}

/**
 * What results.json holds as its judgement: the thresholds and the verdict, from the strategies
 * and how the run ended. A partial run whose interruption reads `error: …` stopped on an error
 * (failed); any other interruption is a signal (interrupted). A run and a merge of shards both
 * judge through here.
 */
export function judgeResults(
  run: ThresholdInput & { readonly runError: string | null },
): Pick<RunResults, 'verdict' | 'thresholds'> {
  const thresholds = evaluateThresholds(run);
  const { partial, interruption } = run;
  const errored = partial && interruption?.startsWith('error') === true;
  const verdict = judgeRun(run.strategies, {
    runError: run.runError ?? (errored ? interruption : null),
    interrupted: partial && !errored ? interruption : null,
    thresholds,
  });
  return { verdict, thresholds };
}
