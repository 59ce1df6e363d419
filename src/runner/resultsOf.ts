import { describeEnvironment } from '../output/environment.js';
import type { LoadedScenario } from '../scenario/loadScenario.js';
import type { PlannedOperation } from '../operations/PlannedOperation.js';
import { predictionInterval } from '../metrics/predictionInterval.js';
import type { MockCosts } from '../../mock-server/index.js';
import { compareStrategies } from './aggregateStrategy.js';
import { RESULTS_SCHEMA_VERSION, type RunResults, type StrategyResult } from './RunResults.js';
import type { RunOptions } from './ScenarioRun.js';
import { judgeResults } from './verdict.js';

/** What one run holds while it goes: everything results.json is made of. */
export interface RunState {
  readonly runId: string;
  readonly startedAt: string;
  readonly results: StrategyResult[];
  readonly warnings: string[];
  plannedOps: readonly PlannedOperation[];
  interruption: string | null;
  /** Why the run as a whole could not go on (target unreachable, sign-in refused), or null. */
  runError: string | null;
  targetUrl: string;
  /** Set-up work on the target, once it is closed. */
  setup: RunResults['setup'];
}

function countByKind(ops: readonly PlannedOperation[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const op of ops) out[op.kind] = (out[op.kind] ?? 0) + op.ops;
  return out;
}

export function operationsOf(ops: readonly PlannedOperation[]): number {
  return ops.reduce((a, op) => a + op.ops, 0);
}

/** results.json as the run stands: partial until the end, judged every time it is written. */
export function resultsOf(
  loaded: LoadedScenario,
  options: Pick<RunOptions, 'only' | 'target' | 'shard'>,
  state: RunState,
  partial: boolean,
): RunResults {
  const { scenario } = loaded;
  const compared = compareStrategies(state.results);
  const mockCosts = options.target.kind === 'mock' ? loaded.mockCosts : null;
  const strategies = withIntervals(compared.strategies, mockCosts);
  const selectedStrategies = options.only === undefined ? null : [...options.only];
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    ...judgeResults({
      scenario,
      strategies,
      selectedStrategies,
      partial,
      interruption: state.interruption,
      runError: state.runError,
    }),
    runId: state.runId,
    scenarioFile: loaded.path,
    scenario,
    target: { kind: options.target.kind, url: state.targetUrl },
    mockCosts,
    timeScale: options.target.kind === 'mock' ? scenario.mock.timeScale : 1,
    environment: describeEnvironment(),
    startedAt: state.startedAt,
    finishedAt: partial ? null : new Date().toISOString(),
    partial,
    interruption: state.interruption,
    plan: {
      operations: operationsOf(state.plannedOps),
      items: state.plannedOps.length,
      byKind: countByKind(state.plannedOps),
    },
    strategies,
    fastest: compared.fastest,
    recommended: compared.recommended,
    integrity: {
      ok: state.results.every((s) => s.integrity.ok),
      failed: state.results.filter((s) => !s.integrity.ok).map((s) => s.name),
    },
    shard: options.shard ?? null,
    selectedStrategies,
    setup: state.setup,
    warnings: state.warnings,
  };
}

/** Each throughput with the interval a calibrated profile puts around it (on the mock only). */
function withIntervals(strategies: readonly StrategyResult[], costs: MockCosts | null): StrategyResult[] {
  const spread = costs?.uncertainty;
  if (spread === null || spread === undefined) return [...strategies];
  return strategies.map((s) =>
    s.throughput.opsPerSec > 0
      ? {
          ...s,
          throughput: {
            ...s.throughput,
            interval: { ...predictionInterval(s.throughput.opsPerSec, spread), confidence: spread.confidence },
          },
        }
      : s,
  );
}
