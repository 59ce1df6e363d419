import { describeMockCosts } from '../../../mock-server/index.js';
import { errorCatalogue } from '../../errors/errorCatalogue.js';
import { mean } from '../../metrics/statistics.js';
import { welchTTest } from '../../metrics/welchTTest.js';
import type { RunResults, StrategyResult } from '../../runner/RunResults.js';

type Verdict =
  | 'faster'
  | 'slower'
  | 'no significant change'
  | 'too few repetitions'
  | 'not tested'
  | 'more errors'
  | 'fewer errors'
  | 'same errors';

export interface FigureChange {
  readonly figure: 'wall time' | 'throughput' | 'p95 latency' | 'errors' | 'verdict';
  readonly unit: string;
  readonly base: number;
  readonly current: number;
  /** (current − base) ÷ base. */
  readonly change: number;
  /** Welch's two-sided p-value over the repetitions; null for figures without per-repetition values. */
  readonly p: number | null;
  readonly verdict: Verdict;
}

export interface StrategyComparison {
  readonly strategy: string;
  readonly figures: readonly FigureChange[];
  /** The verdicts of both runs, e.g. `ok → failed`. */
  readonly verdicts: { readonly base: string; readonly current: string };
  /**
   * Worse in a way that counts: significantly slower beyond the tolerance, failed operations where
   * there were fewer, or a worse verdict.
   */
  readonly regression: boolean;
  /** Why it is a regression, in words. */
  readonly reasons: readonly string[];
}

/** The two runs compared, named in every output. */
interface ComparedRun {
  readonly path: string;
  readonly runId: string;
  readonly startedAt: string;
  readonly verdict: string;
}

export interface Comparison {
  readonly scenario: string;
  readonly base: ComparedRun;
  readonly current: ComparedRun;
  readonly tolerance: number;
  readonly alpha: number;
  readonly strategies: readonly StrategyComparison[];
  readonly onlyInBase: readonly string[];
  readonly onlyInCurrent: readonly string[];
  readonly environmentDiffers: readonly string[];
  /**
   * Set when one run is on the embedded mock and the other on an org: the comparison sets a
   * prediction against a measurement, not two versions of a job. Absent otherwise.
   */
  readonly prediction?: string | undefined;
  readonly regressions: number;
}

/** What a mock run against an org run is, said where a reader of a version comparison would look. */
function predictionNote(base: RunResults, current: RunResults): string | undefined {
  if (base.target.kind === current.target.kind) return undefined;
  const [mock, org] = base.target.kind === 'mock' ? [base, current] : [current, base];
  const profile = mock.mockCosts?.profile ?? 'its own costs';
  return (
    `This compares a prediction (the embedded mock, profile ` +
    `${profile}) with a measurement (${org.target.url}), not two versions ` +
    `of a job: 'slower' means the org is slower than predicted. 'dvbench predict' judges the ` +
    `errors against the profile's stated accuracy.`
  );
}

function environmentDifferences(a: RunResults, b: RunResults): string[] {
  const out: string[] = [];
  const major = (v: string): string => v.replace(/^v/, '').split('.')[0] ?? v;
  if (a.environment.cpuModel !== b.environment.cpuModel)
    out.push(`CPU '${a.environment.cpuModel}' vs '${b.environment.cpuModel}'`);
  if (a.environment.cores !== b.environment.cores) out.push(`${a.environment.cores} vs ${b.environment.cores} cores`);
  if (major(a.environment.node) !== major(b.environment.node))
    out.push(`Node ${a.environment.node} vs ${b.environment.node}`);
  if (a.environment.os.split(' ')[0] !== b.environment.os.split(' ')[0])
    out.push(`OS ${a.environment.os} vs ${b.environment.os}`);
  // A mock run against an org run is a prediction against a measurement: said, not refused.
  // Two cost models answer two different questions; a file from before profiles is not judged.
  if (a.mockCosts !== null && b.mockCosts !== null) {
    const [costsA, costsB] = [describeMockCosts(a.mockCosts), describeMockCosts(b.mockCosts)];
    if (costsA !== costsB) out.push(`mock costs ${costsA} vs ${costsB}`);
  }
  return out;
}

/**
 * A change counts only when it is statistically real (p < alpha) and its whole 95% confidence
 * interval lies beyond the tolerance. Repetitions within one run do not see the drift between
 * two runs (another process, another JIT, another memory layout), so a point estimate just past
 * the tolerance with a small p would cry wolf on two runs of the same code.
 */
/** A per-repetition figure compared between runs, and which way is better. */
interface Metric {
  readonly of: (r: StrategyResult['repetitions'][number]) => number;
  readonly higherIsBetter: boolean;
}

const WALL: Metric = { of: (r) => r.wallMs, higherIsBetter: false };
const THROUGHPUT: Metric = { of: (r) => r.opsPerSec, higherIsBetter: true };

function judge(
  runs: { readonly base: StrategyResult; readonly current: StrategyResult },
  metric: Metric,
  tolerance: number,
  alpha: number,
): { p: number | null; verdict: Verdict; change: number } {
  const { higherIsBetter } = metric;
  const base = runs.base.repetitions.map(metric.of);
  const current = runs.current.repetitions.map(metric.of);
  const baseMean = mean(base);
  const change = (mean(current) - baseMean) / baseMean;
  const { p, diff, halfWidth95 } = welchTTest(current, base);
  if (Number.isNaN(p)) return { p: null, verdict: 'too few repetitions', change };
  const low = (diff - halfWidth95) / baseMean;
  const high = (diff + halfWidth95) / baseMean;
  const up = low > tolerance;
  const down = high < -tolerance;
  if (p >= alpha || (!up && !down)) return { p, verdict: 'no significant change', change };
  return { p, verdict: up === higherIsBetter ? 'faster' : 'slower', change };
}

const VERDICT_RANK: Record<string, number> = { ok: 0, degraded: 1, failed: 2, interrupted: 3 };

function compareStrategy(
  base: StrategyResult,
  current: StrategyResult,
  tolerance: number,
  alpha: number,
): StrategyComparison {
  const wall = judge({ base, current }, WALL, tolerance, alpha);
  const tput = judge({ base, current }, THROUGHPUT, tolerance, alpha);
  const p95change = base.latencyMs.p95 === 0 ? 0 : (current.latencyMs.p95 - base.latencyMs.p95) / base.latencyMs.p95;
  const errorsBase = base.errors.rate;
  const errorsCurrent = current.errors.rate;
  const errorVerdict: Verdict =
    errorsCurrent > errorsBase ? 'more errors' : errorsCurrent < errorsBase ? 'fewer errors' : 'same errors';
  const figures: FigureChange[] = [
    { figure: 'wall time', unit: 'ms', base: base.wallMs.mean, current: current.wallMs.mean, ...wall },
    {
      figure: 'throughput',
      unit: 'ops/s',
      base: base.throughput.opsPerSec,
      current: current.throughput.opsPerSec,
      ...tput,
    },
    // One pooled histogram per run: no per-repetition samples to test, so the change is shown, not judged.
    {
      figure: 'p95 latency',
      unit: 'ms',
      base: base.latencyMs.p95,
      current: current.latencyMs.p95,
      change: p95change,
      p: null,
      verdict: 'not tested',
    },
    {
      figure: 'errors',
      unit: '%',
      base: errorsBase * 100,
      current: errorsCurrent * 100,
      change: errorsBase === 0 ? (errorsCurrent === 0 ? 0 : Infinity) : (errorsCurrent - errorsBase) / errorsBase,
      p: null,
      verdict: errorVerdict,
    },
  ];
  const reasons: string[] = [];
  if (wall.verdict === 'slower') reasons.push(`wall time ${(wall.change * 100).toFixed(1)}%`);
  if (tput.verdict === 'slower') reasons.push(`throughput ${(tput.change * 100).toFixed(1)}%`);
  // Any rise in failed operations is a regression: from 0 to N most of all.
  if (errorVerdict === 'more errors')
    reasons.push(`failed operations ${(errorsBase * 100).toFixed(2)}% → ${(errorsCurrent * 100).toFixed(2)}%`);
  if ((VERDICT_RANK[current.verdict.status] ?? 0) > (VERDICT_RANK[base.verdict.status] ?? 0))
    reasons.push(`verdict ${base.verdict.status} → ${current.verdict.status}`);
  return {
    strategy: base.name,
    figures,
    verdicts: { base: base.verdict.status, current: current.verdict.status },
    regression: reasons.length > 0,
    reasons,
  };
}

/**
 * Compares two runs of one scenario, strategy by strategy: a change is "faster" or "slower"
 * only when Welch's t-test over the repetitions says it is not noise (p < alpha) and it is
 * larger than the tolerance. Runs of different scenarios are refused; runs from different
 * environments too, unless forced.
 */
export function compareRuns(
  base: RunResults,
  current: RunResults,
  options: {
    tolerance: number;
    alpha?: number | undefined;
    force?: boolean | undefined;
    basePath?: string | undefined;
    currentPath?: string | undefined;
  },
): Comparison {
  if (base.scenario.name !== current.scenario.name || base.plan.operations !== current.plan.operations) {
    throw errorCatalogue.DVB_ERR_USAGE(
      `dvbench compare: refusing to compare different scenarios: '` +
        `${base.scenario.name}' (${base.plan.operations} operations) vs '` +
        `${current.scenario.name}' (${current.plan.operations} operations).`,
    );
  }
  const environmentDiffers = environmentDifferences(base, current);
  if (environmentDiffers.length > 0 && options.force !== true) {
    throw errorCatalogue.DVB_ERR_USAGE(
      `dvbench compare: the runs come from different environments (${environmentDiffers.join('; ')}); their figures ` +
        `are not comparable. Use --force to compare anyway.`,
    );
  }
  const alpha = options.alpha ?? 0.05;
  const strategies = base.strategies.flatMap((b) => {
    const c = current.strategies.find((s) => s.name === b.name);
    return c === undefined || b.repetitions.length === 0 || c.repetitions.length === 0
      ? []
      : [compareStrategy(b, c, options.tolerance, alpha)];
  });
  const named = (r: RunResults, path: string | undefined): ComparedRun => ({
    path: path ?? r.scenarioFile,
    runId: r.runId,
    startedAt: r.startedAt,
    verdict: r.verdict.status,
  });
  return {
    scenario: base.scenario.name,
    base: named(base, options.basePath),
    current: named(current, options.currentPath),
    tolerance: options.tolerance,
    alpha,
    strategies,
    onlyInBase: base.strategies.filter((b) => !current.strategies.some((c) => c.name === b.name)).map((s) => s.name),
    onlyInCurrent: current.strategies.filter((c) => !base.strategies.some((b) => b.name === c.name)).map((s) => s.name),
    environmentDiffers,
    ...(predictionNote(base, current) === undefined ? {} : { prediction: predictionNote(base, current) }),
    regressions: strategies.filter((s) => s.regression).length,
  };
}
