import type { RunResults, StrategyResult } from '../runner/RunResults.js';
import type { Scenario } from '../scenario/scenarioSchema.js';

type Threshold = Scenario['thresholds'][number];

export interface ThresholdOutcome {
  readonly threshold: Threshold;
  /** The measured value, or null when the strategy did not run. */
  readonly actual: number | null;
  readonly passed: boolean;
  /** `speedup of async:8 = 2.41, needs >= 3` */
  readonly message: string;
}

export function metricValue(s: StrategyResult, metric: Threshold['metric']): number | null {
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
    case 'throttled':
      return s.throttled.total;
    case 'retries':
      return s.retries;
    case 'wallMs':
      return s.wallMs.mean;
  }
}

const UNITS: Partial<Record<Threshold['metric'], string>> = { p50: ' ms', p90: ' ms', p95: ' ms', p99: ' ms', max: ' ms', wallMs: ' ms', opsPerSec: ' ops/s', requestsPerSec: ' requests/s' };

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

/** Checks every threshold of the scenario against the run; a strategy that did not run fails its thresholds. */
export function evaluateThresholds(results: RunResults): ThresholdOutcome[] {
  return results.scenario.thresholds.map((threshold) => {
    const strategy = results.strategies.find((s) => s.name === threshold.strategy);
    const unit = UNITS[threshold.metric] ?? '';
    const label = `${threshold.metric} of ${threshold.strategy}`;
    const actual = strategy === undefined ? null : metricValue(strategy, threshold.metric);
    if (actual === null) {
      return { threshold, actual: null, passed: false, message: `${label}: not measured (${strategy === undefined ? 'the strategy did not run' : 'no sequential baseline'}), needs ${threshold.op} ${format(threshold.value)}${unit}` };
    }
    const passed = holds(actual, threshold.op, threshold.value);
    return { threshold, actual, passed, message: `${label} = ${format(actual)}${unit}, needs ${threshold.op} ${format(threshold.value)}${unit}` };
  });
}
