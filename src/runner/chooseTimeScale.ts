import { availableParallelism } from 'node:os';
import { estimateRepetition } from '../estimate/estimateStrategy.js';
import type { Scenario } from '../scenario/scenarioSchema.js';
import { expandStrategies } from '../strategies/expandStrategies.js';
import type { StrategySpec } from '../strategies/strategyKinds.js';
import { standInOperations } from './dryRun.js';

/** The scales `auto` chooses from: round numbers, so a report reads "×10", not "×11.7". */
const SCALES = [1, 2, 3, 5, 10, 15, 20, 30, 50, 100] as const;

/**
 * The harness's own time between two requests of one worker, real ms, on a busy 2-core machine
 * (measured by `npm run bench -- --only time-compression`, and on zero-cost runs of
 * paper-reproduction: 0.5–2 ms in one event loop, 1–6 ms from a worker thread, 3–30 ms from a
 * process handed its operations over IPC). A compressed run holds while the mock can give that
 * time back out of each request's compressed waits (see `Delays`); past it, throughput reads low.
 */
const CLIENT_GAP_MS: Readonly<Record<string, number>> = { threads: 3, processes: 9 };
const IN_PROCESS_GAP_MS = 1.5;

/**
 * Client and mock CPU per request, µs, at the rates compression asks for (the bench's mock and
 * client sections: about 150–300 µs of client, 50–200 µs of mock); and the share of the
 * machine's cores a compressed run may keep busy before its own queueing shows in the figures.
 */
const CPU_US_PER_REQUEST = 500;
const CPU_SHARE = 0.6;

export interface TimeScaleChoice {
  readonly timeScale: number;
  /** Why: the strategy and the limit that bound the choice, in a sentence. */
  readonly reason: string;
}

interface Bound {
  readonly scale: number;
  readonly why: string;
}

function largestScaleUnder(limit: number): number {
  return SCALES.filter((s) => s <= limit).at(-1) ?? 1;
}

/** How far one strategy can be compressed: by the time it leaves the mock to give back, and by CPU. */
function boundOf(scenario: Scenario, spec: StrategySpec, cores: number): Bound {
  const ops = standInOperations(scenario);
  const { ms, requests } = estimateRepetition(scenario, spec, ops, 'mock');
  if (requests === 0 || ms <= 0) return { scale: SCALES.at(-1) ?? 1, why: `${spec.name} sends nothing` };
  // A worker's org time per request: its waits, which compression divides.
  const cycleMs = (ms * Math.max(1, spec.concurrency)) / requests;
  const gapMs = CLIENT_GAP_MS[spec.kind] ?? IN_PROCESS_GAP_MS;
  // The mock gives a worker's gap back out of the compressed waits; keep a fifth spare.
  const byGap = (0.8 * cycleMs) / gapMs;
  const orgRequestsPerSec = (requests / ms) * 1000;
  const byCpu = (CPU_SHARE * cores * 1e6) / (orgRequestsPerSec * CPU_US_PER_REQUEST);
  return byGap <= byCpu
    ? {
        scale: byGap,
        why:
          `${spec.name}: about ${cycleMs.toFixed(0)} ms of the org's time per request and worker, against ` +
          `${gapMs} ms of the harness's own between requests`,
      }
    : {
        scale: byCpu,
        why:
          `${spec.name}: ${orgRequestsPerSec.toFixed(0)} requests/s in the org's time would keep ` +
          `${cores} core(s) over ${CPU_SHARE * 100}% busy past it`,
      };
}

/**
 * `--time-scale auto`: the largest scale at which every strategy the run will measure keeps its
 * figures within about 3% of a run in real time on this machine, from the scenario's own cost
 * model (what each request waits at the org) and what the harness costs per request.
 */
export function chooseTimeScale(scenario: Scenario, only?: readonly string[]): TimeScaleChoice {
  const real = { ...scenario, mock: { ...scenario.mock, timeScale: 1 } };
  const specs = expandStrategies(scenario.strategies).filter((s) => only === undefined || only.includes(s.name));
  const cores = availableParallelism();
  const bounds = specs.map((spec) => boundOf(real, spec, cores));
  const binding = bounds.reduce<Bound | undefined>(
    (low, b) => (low === undefined || b.scale < low.scale ? b : low),
    undefined,
  );
  if (binding === undefined) return { timeScale: 1, reason: 'no strategy to measure' };
  const timeScale = largestScaleUnder(binding.scale);
  return {
    timeScale,
    reason:
      timeScale === 1
        ? `not compressed: ${binding.why} (at most ×${binding.scale.toFixed(1)})`
        : `${binding.why} (at most ×${binding.scale.toFixed(1)}; the other strategies allow more)`,
  };
}
