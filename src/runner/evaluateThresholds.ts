import type { RequestKind } from '../metrics/MeasurementSink.js';
import type { RunResults, SliceResult, StrategyResult } from './RunResults.js';
import type { Scenario } from '../scenario/scenarioSchema.js';
import { descriptorForKind } from '../strategies/descriptorOf.js';

type Threshold = Scenario['thresholds'][number];

export interface ThresholdOutcome {
  readonly threshold: Threshold;
  /** The measured value, or null when it was not measured. */
  readonly actual: number | null;
  readonly passed: boolean;
  /**
   * Neither passed nor missed: `--strategies` left its strategy (or the sequential baseline a
   * speedup needs) out, or the run was interrupted before it was measured.
   */
  readonly skipped: boolean;
  /** `speedup of async:8 = 2.41, needs >= 3` */
  readonly message: string;
}

const LATENCY = new Set(['p50', 'p90', 'p95', 'p99', 'max']);

/** The figure a threshold looks at: the strategy's, or one workload's or one request kind's. */
function sliceValue(slice: SliceResult, metric: Threshold['metric']): number | null {
  if (LATENCY.has(metric)) return slice.latencyMs[metric as 'p50'];
  if (metric === 'errors') return slice.failedOperations;
  if (metric === 'errorRate') return slice.operations === 0 ? 0 : slice.failedOperations / slice.operations;
  if (metric === 'requestsPerSec' || metric === 'opsPerSec') return null;
  return null;
}

function metricValue(s: StrategyResult, metric: Threshold['metric']): number | null {
  switch (metric) {
    case 'speedup':
      return s.speedup;
    case 'efficiency':
      return s.efficiency;
    case 'opsPerSec':
      return s.throughput.opsPerSec;
    case 'requestsPerSec':
      return s.throughput.requestsPerSec;
    case 'p50':
    case 'p90':
    case 'p95':
    case 'p99':
    case 'max':
      return s.latencyMs[metric];
    case 'errors':
      return s.errors.total;
    case 'errorRate':
      return s.errors.rate;
    case 'throttled':
      return s.throttled.total;
    case 'retries':
      return s.retries;
    case 'wallMs':
      return s.wallMs.mean;
  }
}

const UNITS: Partial<Record<Threshold['metric'], string>> = {
  p50: ' ms',
  p90: ' ms',
  p95: ' ms',
  p99: ' ms',
  max: ' ms',
  wallMs: ' ms',
  opsPerSec: ' ops/s',
  requestsPerSec: ' requests/s',
};

function holds(actual: number, op: Threshold['op'], bound: number): boolean {
  switch (op) {
    case '<':
      return actual < bound;
    case '<=':
      return actual <= bound;
    case '>':
      return actual > bound;
    case '>=':
      return actual >= bound;
    case '==':
      return actual === bound;
  }
}

function format(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** `p95 of batch:100x2 (workload 'update account', batch requests)`. */
function thresholdLabel(t: Threshold, results?: Pick<RunResults, 'strategies'>): string {
  const parts: string[] = [];
  if (t.workload !== undefined) {
    const name =
      typeof t.workload === 'number'
        ? (results?.strategies[0]?.byWorkload.find((w) => w.workload === t.workload)?.name ?? `workload ${t.workload}`)
        : t.workload;
    parts.push(`workload '${name}'`);
  }
  if (t.requestKind !== undefined) parts.push(`${t.requestKind} requests`);
  return `${t.metric} of ${t.strategy}${parts.length === 0 ? '' : ` (${parts.join(', ')})`}`;
}

function measure(t: Threshold, s: StrategyResult): { value: number | null; why: string } {
  if (t.workload === undefined && t.requestKind === undefined)
    return {
      value: metricValue(s, t.metric),
      why:
        t.metric === 'efficiency' && descriptorForKind(s.kind)?.perWorkerEfficiency === false
          ? `efficiency is per worker; a ${s.kind} request carries many operations`
          : 'no sequential baseline',
    };
  let slice: SliceResult | undefined;
  if (t.workload !== undefined) {
    const w = s.byWorkload.find((x) =>
      typeof t.workload === 'number' ? x.workload === t.workload : x.name === t.workload,
    );
    slice = w;
  } else slice = s.byRequestKind[t.requestKind as RequestKind];
  if (slice === undefined)
    return {
      value: null,
      why: t.workload !== undefined ? 'no such workload ran' : `no ${t.requestKind ?? ''} requests were sent`,
    };
  const value = sliceValue(slice, t.metric);
  return {
    value,
    why: `${t.metric} is measured per strategy, not per ${t.workload !== undefined ? 'workload' : 'request kind'}`,
  };
}

/** What thresholds are judged on: a run's results, before its verdict. */
export type ThresholdInput = Pick<
  RunResults,
  'scenario' | 'strategies' | 'selectedStrategies' | 'partial' | 'interruption'
>;

const BASELINE = 'sequential';

/** Why a threshold cannot be judged on this run (skipped), or undefined when it can. */
function skipReason(threshold: Threshold, results: ThresholdInput): string | undefined {
  const ran = (name: string): boolean => results.strategies.some((s) => s.name === name);
  const selected = (name: string): boolean =>
    results.selectedStrategies === null || results.selectedStrategies.includes(name);
  if (!ran(threshold.strategy) && !selected(threshold.strategy)) return `--strategies left ${threshold.strategy} out`;
  const relative = threshold.metric === 'speedup' || threshold.metric === 'efficiency';
  if (relative && !ran(BASELINE) && !selected(BASELINE))
    return `--strategies left ${BASELINE} out, and ${threshold.metric} is measured against it`;
  const cutShort = (name: string): boolean =>
    !ran(name) || results.strategies.some((s) => s.name === name && !s.complete);
  if (results.partial && (cutShort(threshold.strategy) || (relative && cutShort(BASELINE)))) {
    const { interruption } = results;
    const how =
      interruption === null
        ? 'ended'
        : interruption.startsWith('error')
          ? 'stopped on an error'
          : `was interrupted (${interruption})`;
    return `the run ${how} before ${cutShort(threshold.strategy) ? threshold.strategy : BASELINE} finished`;
  }
  return undefined;
}

/**
 * Checks every threshold of the scenario against the run. A strategy that did not run fails
 * its thresholds, unless the run could not have run it: `--strategies` left it (or the
 * baseline) out, or the run was interrupted first; then they are skipped.
 */
export function evaluateThresholds(results: ThresholdInput): ThresholdOutcome[] {
  return results.scenario.thresholds.map((threshold) => {
    const strategy = results.strategies.find((s) => s.name === threshold.strategy);
    const unit = UNITS[threshold.metric] ?? '';
    const label = thresholdLabel(threshold, results);
    const bound = `${threshold.op} ${format(threshold.value)}${unit}`;
    const skipped = skipReason(threshold, results);
    if (skipped !== undefined)
      return {
        threshold,
        actual: null,
        passed: true,
        skipped: true,
        message: `${label}: skipped (${skipped}), needs ${bound}`,
      };
    const { value, why } =
      strategy === undefined ? { value: null, why: 'the strategy did not run' } : measure(threshold, strategy);
    if (value === null)
      return {
        threshold,
        actual: null,
        passed: false,
        skipped: false,
        message: `${label}: not measured (${why}), needs ${bound}`,
      };
    const passed = holds(value, threshold.op, threshold.value);
    return {
      threshold,
      actual: value,
      passed,
      skipped: false,
      message: `${label} = ${format(value)}${unit}, needs ${bound}`,
    };
  });
}
