import type { RunResults, StrategyResult } from '../../runner/RunResults.js';

/** One figure predicted by the mock and measured on the org, with the prediction's error. */
interface PredictedFigure {
  readonly predicted: number;
  readonly measured: number;
  /** (predicted − measured) ÷ measured, in %; null when nothing was measured. */
  readonly errorPercent: number | null;
}

/** One strategy, as a whole or for one of its workloads. */
interface PredictionRow {
  readonly strategy: string;
  /** `all`, or the workload's name. */
  readonly workload: string;
  readonly opsPerSec: PredictedFigure;
  readonly p50Ms: PredictedFigure;
  readonly p95Ms: PredictedFigure;
  /** Throughput within the profile's stated accuracy; null when the profile states none (or a side failed). */
  readonly within: boolean | null;
}

export interface PredictionCheck {
  readonly scenario: string;
  readonly profile: string;
  /** The largest throughput error the profile's own validation saw, in %; null for a profile that states none. */
  readonly accuracyPercent: number | null;
  readonly predicted: { readonly runId: string; readonly target: string };
  readonly measured: { readonly runId: string; readonly target: string };
  readonly rows: readonly PredictionRow[];
  /** Throughput was judged by the prediction's 90% intervals (a calibrated profile that states them), not by accuracyPercent. */
  readonly intervals: boolean;
  /** Every strategy's throughput within the stated accuracy (false when any is outside; null when none is stated). */
  readonly withinAccuracy: boolean | null;
}

function figure(predicted: number, measured: number): PredictedFigure {
  return {
    predicted,
    measured,
    errorPercent: measured > 0 && Number.isFinite(measured) ? ((predicted - measured) / measured) * 100 : null,
  };
}

/** A workload's throughput: its phase's, or its share of the strategy's operations over the wall time. */
function workloadOpsPerSec(s: StrategyResult, workload: number, operations: number): number {
  const phase = s.phases?.find((p) => p.workload === workload);
  if (phase !== undefined) return phase.opsPerSec;
  const reps = Math.max(1, s.repetitions.length);
  return s.wallMs.mean > 0 ? (operations / reps / s.wallMs.mean) * 1000 : 0;
}

function rowsOf(p: StrategyResult, m: StrategyResult, accuracy: number | null): PredictionRow[] {
  const judged = (f: PredictedFigure): boolean | null =>
    accuracy === null || f.errorPercent === null || p.verdict.status === 'failed' || m.verdict.status === 'failed'
      ? null
      : Math.abs(f.errorPercent) <= accuracy;
  const all = figure(p.throughput.opsPerSec, m.throughput.opsPerSec);
  // A calibrated profile's interval, where the prediction has one, is the test: the org's
  // throughput inside it. Else the profile's largest validation error.
  const interval = p.throughput.interval;
  const failed = p.verdict.status === 'failed' || m.verdict.status === 'failed';
  const within =
    interval === undefined || failed
      ? judged(all)
      : m.throughput.opsPerSec >= interval.low && m.throughput.opsPerSec <= interval.high;
  const rows: PredictionRow[] = [
    {
      strategy: p.name,
      workload: 'all',
      opsPerSec: all,
      p50Ms: figure(p.latencyMs.p50, m.latencyMs.p50),
      p95Ms: figure(p.latencyMs.p95, m.latencyMs.p95),
      within,
    },
  ];
  for (const pw of p.byWorkload) {
    const mw = m.byWorkload.find((w) => w.workload === pw.workload);
    if (mw === undefined) continue;
    rows.push({
      strategy: p.name,
      workload: pw.name,
      opsPerSec: figure(
        workloadOpsPerSec(p, pw.workload, pw.operations),
        workloadOpsPerSec(m, mw.workload, mw.operations),
      ),
      p50Ms: figure(pw.latencyMs.p50, mw.latencyMs.p50),
      p95Ms: figure(pw.latencyMs.p95, mw.latencyMs.p95),
      within: null,
    });
  }
  return rows;
}

/**
 * A prediction set against a measurement: the same scenario run on the embedded mock with a
 * profile, and on an org. Per strategy and per workload, throughput and p50/p95 latency with
 * the prediction's error; a strategy's throughput is judged against the accuracy the profile
 * states (its calibration's largest validation error).
 */
export function checkPrediction(
  predicted: RunResults,
  measured: RunResults,
  accuracyPercent: number | null,
): PredictionCheck {
  const rows = predicted.strategies.flatMap((p) => {
    const m = measured.strategies.find((s) => s.name === p.name);
    return m === undefined ? [] : rowsOf(p, m, accuracyPercent);
  });
  const judged = rows.filter((r) => r.within !== null);
  return {
    scenario: predicted.scenario.name,
    profile: predicted.mockCosts?.profile ?? 'the scenario’s own costs',
    accuracyPercent,
    intervals: predicted.strategies.some((s) => s.throughput.interval !== undefined),
    predicted: { runId: predicted.runId, target: predicted.target.url },
    measured: { runId: measured.runId, target: measured.target.url },
    rows,
    withinAccuracy: judged.length === 0 ? null : judged.every((r) => r.within === true),
  };
}

const pct = (f: PredictedFigure): string =>
  f.errorPercent === null ? '–' : `${f.errorPercent >= 0 ? '+' : ''}${f.errorPercent.toFixed(1)}%`;
const n1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '–');

export const PREDICTION_HEADER = [
  'strategy',
  'workload',
  'ops/s predicted',
  'measured',
  'error',
  'p50 ms predicted',
  'measured',
  'error',
  'p95 ms predicted',
  'measured',
  'error',
  'within accuracy',
];

export function predictionRows(check: PredictionCheck): string[][] {
  return check.rows.map((r) => [
    r.strategy,
    r.workload,
    n1(r.opsPerSec.predicted),
    n1(r.opsPerSec.measured),
    pct(r.opsPerSec),
    n1(r.p50Ms.predicted),
    n1(r.p50Ms.measured),
    pct(r.p50Ms),
    n1(r.p95Ms.predicted),
    n1(r.p95Ms.measured),
    pct(r.p95Ms),
    r.within === null ? '–' : r.within ? 'yes' : 'NO',
  ]);
}

/** The one-line answer: is the profile as accurate as it says? */
export function predictionHeadline(check: PredictionCheck): string {
  const accuracy = check.intervals
    ? `profile ${check.profile} states a 90% interval for each throughput`
    : check.accuracyPercent === null
      ? `profile ${check.profile} states no accuracy (not a calibrated profile): errors are reported, not judged`
      : `profile ${check.profile} states ±${check.accuracyPercent.toFixed(1)}% on throughput`;
  const verdict =
    check.withinAccuracy === null
      ? 'not judged'
      : check.withinAccuracy
        ? 'every strategy within it'
        : `outside it for ${check.rows
            .filter((r) => r.within === false)
            .map((r) => `${r.strategy} (${pct(r.opsPerSec)})`)
            .join(', ')}`;
  return `Prediction check of ${check.scenario}: ${accuracy}; ${verdict}.`;
}
