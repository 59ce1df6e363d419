import { availableParallelism } from 'node:os';
import { estimateRepetition } from '../estimate/estimateStrategy.js';
import { rampsOf } from '../scenario/arrivalSchedule.js';
import type { Scenario } from '../scenario/scenarioSchema.js';
import { expandStrategies } from '../strategies/expandStrategies.js';
import type { StrategySpec } from '../strategies/strategyKinds.js';
import { standInOperations } from './dryRun.js';

/** The scales `auto` chooses from: round numbers, so a report reads "×10", not "×11.7". */
const SCALES = [1, 2, 3, 5, 10, 15, 20, 30, 50, 100] as const;

/**
 * The harness's own time per request and worker, real ms, by how the workers run (an event
 * loop's, a thread's, a process's). A compressed run holds while the mock can give that time
 * back out of each request's compressed waits (see `Delays`); past it, throughput reads low.
 * A run at no cost (`npm run bench -- --only time-compression`) keeps every worker busy at
 * once, so it overstates the gap of a compressed run, where they mostly wait: processes:4 read
 * 18.7 ms a request on a busy day and 9.1 on a quiet one, while the mock saw a median gap of
 * 0.9 ms (p95 5.7) at ×10. So these are set from the scales that held on this 2-core VM:
 * paper-reproduction held at ×10 (no shortfall; speedups within 2.1% of ×1) and fell short at
 * ×20 (threads:4 and processes:4 3–4% short), which puts processes:4 between 6.7 and 13.4 ms
 * and threads:4 between 5.8 and 11.6.
 */
const GAP_MS_PER_WORKER: Readonly<Record<string, number>> = { threads: 1.6, processes: 2.5 };
const IN_PROCESS_GAP_MS_PER_WORKER = 0.45;
const MIN_GAP_MS = 0.7;

/**
 * CPU per request on both sides (client and mock: the same zero-cost runs, 0.7 ms a request
 * at one in flight), per operation a request carries, and per record serialized and parsed
 * (5,000-record pages of read-paged); and the share of the machine's cores a compressed run
 * may keep busy. Each side is one event loop: the busier it is, the longer answers that land
 * together wait for it, and that wait is the harness's own time, counted once in the org's.
 * At half the cores, three examples read 3–6% slow (tune-capacity-8 ×15: async:8 −6.1%;
 * transaction-clone-quote ×5: transaction:4 −3.2 to −4.0% in three runs;
 * batch-vs-transaction-vs-bulk ×5: batch:100x2 speedup −6.5%); at a quarter (×5, ×3, ×2)
 * each strategy came within 2.1% of its ×1 run.
 */
const CPU_MS_PER_REQUEST = 0.7;
const CPU_MS_PER_ITEM = 0.06;
const CPU_MS_PER_RECORD = 0.02;
const CPU_SHARE = 0.25;

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
  const { ms, requests, items, records } = estimateRepetition(scenario, spec, ops, 'mock');
  if (requests === 0 || ms <= 0) return { scale: SCALES.at(-1) ?? 1, why: `${spec.name} sends nothing` };
  const workers = Math.max(1, spec.concurrency);
  // A worker's org time per request: its waits, which compression divides.
  const cycleMs = (ms * workers) / requests;
  const cpuMs = CPU_MS_PER_REQUEST + (CPU_MS_PER_ITEM * items + CPU_MS_PER_RECORD * records) / requests;
  const perWorker = GAP_MS_PER_WORKER[spec.kind] ?? IN_PROCESS_GAP_MS_PER_WORKER;
  // The harness's time between a worker's requests: its own share, and its requests' CPU.
  const gapMs = Math.max(MIN_GAP_MS, perWorker * workers, cpuMs);
  // The mock gives a worker's gap back out of the compressed waits; keep a fifth spare.
  const byGap = (0.8 * cycleMs) / gapMs;
  const cpuPerMs = (requests / ms) * cpuMs;
  const byCpu = (CPU_SHARE * cores) / cpuPerMs;
  return byGap <= byCpu
    ? {
        scale: byGap,
        why:
          `${spec.name}: about ${cycleMs.toFixed(0)} ms of the org's time per request and worker, against ` +
          `${gapMs.toFixed(1)} ms of the harness's own between requests`,
      }
    : {
        scale: byCpu,
        why:
          `${spec.name}: ${((requests / ms) * 1000).toFixed(0)} requests/s in the org's time, ` +
          `${cpuMs.toFixed(1)} ms of CPU each, on ${cores} core(s) kept under ${CPU_SHARE * 100}% busy`,
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

/**
 * A load test's requests, compressed, take at least this many real ms at the mock: the timers'
 * and event loops' jitter (about 0.5 ms) queues requests at the org's capacity N times longer in
 * the org's time, and scheduled arrivals do not wait for it. Measured on this 2-core VM (a read
 * of 45 ms at 40/s on 2 servers, lognormal, against ×1): p95 within 1% at 9 ms real (×5), +37%
 * at 4.5 ms (×10); a read of 205 ms at 40/s: +3% at 20 ms (×10), +10% at 10 ms (×20).
 */
const MIN_LOAD_WAIT_MS = 10;
/** Both sides' CPU at the peak compressed rate stays under this share of the cores: arrivals must not wait for a busy loop. */
const LOAD_CPU_SHARE = 0.25;

/**
 * `--time-scale auto` for a load test: the peak planned rate, compressed, keeps both sides' CPU
 * under a quarter of the machine's cores, and a request's mean time at the org, compressed,
 * stays well above the harness's jitter.
 */
export function chooseLoadTimeScale(scenario: Scenario): TimeScaleChoice {
  const { load } = scenario;
  if (load === undefined) return chooseTimeScale(scenario);
  const peakPerMs = Math.max(0, ...rampsOf(load).flatMap((r) => [r.fromRate, r.toRate]));
  const real = { ...scenario, mock: { ...scenario.mock, timeScale: 1 } };
  const sequential = expandStrategies([{ kind: 'sequential' }])[0];
  const estimate =
    sequential === undefined ? undefined : estimateRepetition(real, sequential, standInOperations(real), 'mock');
  const meanMs = estimate === undefined || estimate.requests === 0 ? 0 : estimate.ms / estimate.requests;
  const cores = availableParallelism();
  const byCpu = peakPerMs === 0 ? Infinity : (LOAD_CPU_SHARE * cores) / (peakPerMs * CPU_MS_PER_REQUEST);
  const byWait = meanMs / MIN_LOAD_WAIT_MS;
  const bound = Math.min(byCpu, byWait);
  const timeScale = largestScaleUnder(bound);
  const why =
    byCpu <= byWait
      ? `a peak of ${(peakPerMs * 1000).toFixed(0)} arrivals/s in the org's time, ${CPU_MS_PER_REQUEST} ms of CPU ` +
        `each, on ${cores} core(s) kept under ${LOAD_CPU_SHARE * 100}% busy`
      : `about ${meanMs.toFixed(1)} ms of the org's time per request, kept above ${MIN_LOAD_WAIT_MS} ms real`;
  return {
    timeScale,
    reason: `${timeScale === 1 ? 'not compressed: ' : ''}${why} (at most ×${bound.toFixed(1)})`,
  };
}
