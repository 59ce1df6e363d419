import { EventEmitter } from 'node:events';
import type { TargetSpec } from '../target/resolveTarget.js';
import { fitScaling, refinement, type ScalingFit } from '../metrics/fitScaling.js';
import type { UslFit } from '../metrics/fitUsl.js';
import { recommendWorkers } from '../metrics/recommendWorkers.js';
import { writeJsonAtomic } from '../output/writeJsonAtomic.js';
import type { LoadedScenario } from '../scenario/loadScenario.js';
import { ScenarioRun } from './ScenarioRun.js';

export interface TunePoint {
  readonly workers: number;
  readonly opsPerSec: number;
  readonly throttled: number;
  readonly errors: number;
  readonly p95Ms: number;
}

export interface TuneResult {
  readonly schemaVersion: 1;
  readonly scenario: string;
  readonly points: readonly TunePoint[];
  readonly stoppedBecause: string;
  /** The USL fit, whichever model won. */
  readonly fit: UslFit | null;
  /** The USL and a capacity bound fitted to the clean points, the better one chosen, and the knee. */
  readonly scaling: ScalingFit | null;
  /** The fewest workers within 5% of the best measured throughput, with no 429s and no errors. */
  readonly recommendedWorkers: number | null;
  readonly dopHint: number | null;
  readonly concurrencyLimit: number | null;
  readonly sentence: string;
}

export interface TuneEvents {
  point: [TunePoint];
}

function sweep(max: number): number[] {
  const out: number[] = [];
  for (let n = 1; n <= max; n *= 2) out.push(n);
  if (out.at(-1) !== max) out.push(max);
  return out;
}

/** Where throughput levels off, by the model that fits, and what the measured points say. */
function scalingClause(scaling: ScalingFit | null): string | undefined {
  if (scaling === null) return undefined;
  const [low, high] = scaling.kneeRange;
  const measured = low === high ? `measured at ${low}` : `measured between ${low} and ${high}`;
  if (scaling.model === 'bound') {
    const { bound } = scaling;
    if (!Number.isFinite(bound.capacity)) return 'throughput grew about linearly over the whole sweep';
    return (
      `throughput levels off at about ` +
      `${scaling.knee.toFixed(1)} workers (` +
      `${measured}): a capacity bound of ${bound.capacity.toFixed(1)} ops/s fits best (R² = ${bound.r2.toFixed(2)})`
    );
  }
  const usl = scaling.usl;
  if (usl === null) return undefined;
  const shape = Number.isFinite(usl.peakWorkers)
    ? `peaks at about ${scaling.knee.toFixed(1)} workers`
    : `shows no decline, only diminishing returns past about ${scaling.knee.toFixed(1)} workers`;
  return (
    `the Universal Scalability Law fits best (σ = ` +
    `${usl.sigma.toFixed(3)}, κ = ${usl.kappa.toFixed(4)}, R² = ${usl.r2.toFixed(2)}) and ${shape} (${measured})`
  );
}

/** "How many workers should I use?": the sentence a person can act on. */
function sentence(r: Omit<TuneResult, 'sentence'>): string {
  if (r.recommendedWorkers === null)
    return 'No worker count ran without 429s or errors; lower the load or raise the limits, then tune again.';
  const best = r.points.find((p) => p.workers === r.recommendedWorkers);
  const parts = [
    `Use ` +
      `${r.recommendedWorkers} worker` +
      `${r.recommendedWorkers === 1 ? '' : 's'}: ${best?.opsPerSec.toFixed(1) ?? '?'} ops/s, within 5% ` +
      `of the best measured, with no 429s`,
  ];
  const scaling = scalingClause(r.scaling);
  if (scaling !== undefined) parts.push(scaling);
  if (r.dopHint !== null)
    parts.push(
      `the server's x-ms-dop-hint is ` +
        `${r.dopHint}${r.recommendedWorkers > r.dopHint ? ' (you are above it: expect 429s on a busier org)' : ''}`,
    );
  if (r.concurrencyLimit !== null) parts.push(`its concurrency limit is ${r.concurrencyLimit} per user`);
  return `${parts.join('; ')}.`;
}

/** Why the sweep should stop after this point: throttling began, or throughput fell past the noise. */
function stopReason(points: readonly TunePoint[], point: TunePoint): string | undefined {
  if (point.throttled > 0) return `429s started at ${point.workers} workers`;
  const best = Math.max(...points.map((p) => p.opsPerSec));
  if (points.length >= 3 && point.opsPerSec < best * 0.97) return `throughput fell at ${point.workers} workers`;
  return undefined;
}

/**
 * Sweeps concurrency 1, 2, 4, … up to `max` with the scenario's work (async pool), stopping
 * once throughput falls or 429s start, fits the USL, and recommends a worker count.
 */
export class WorkerTuner extends EventEmitter<TuneEvents> {
  constructor(
    private readonly loaded: LoadedScenario,
    private readonly options: {
      outDir: string;
      target: TargetSpec;
      max: number;
      repetitions?: number | undefined;
      signal?: AbortSignal;
    },
  ) {
    super();
  }

  async run(): Promise<TuneResult> {
    const points: TunePoint[] = [];
    let stoppedBecause = `reached --max ${this.options.max}`;
    for (const workers of sweep(this.options.max)) {
      if (this.options.signal?.aborted === true) {
        stoppedBecause = 'interrupted';
        break;
      }
      const point = await this.#measure(workers);
      if (point === undefined) break;
      points.push(point);
      this.emit('point', point);
      const stop = stopReason(points, point);
      if (stop !== undefined) {
        stoppedBecause = stop;
        break;
      }
    }
    stoppedBecause = await this.#refine(points, stoppedBecause);
    // Throttled points measure Retry-After waits, not the server's scalability.
    const scaling = fitScaling(
      points.filter((p) => p.throttled === 0).map((p) => ({ workers: p.workers, throughput: p.opsPerSec })),
    );
    const fit = scaling?.usl ?? null;
    const recommendedWorkers =
      recommendWorkers(
        points.map((p) => ({
          workers: p.workers,
          throughput: p.opsPerSec,
          clean: p.throttled === 0 && p.errors === 0,
        })),
      )?.workers ?? null;
    const { scenario } = this.loaded;
    const mock = this.options.target.kind === 'mock';
    const partial = {
      schemaVersion: 1 as const,
      scenario: scenario.name,
      points,
      stoppedBecause,
      fit,
      scaling,
      recommendedWorkers,
      dopHint: mock ? scenario.mock.dopHint : null,
      concurrencyLimit: mock && scenario.mock.limits.enabled ? scenario.mock.limits.concurrentRequests : null,
    };
    const result: TuneResult = { ...partial, sentence: sentence(partial) };
    await writeJsonAtomic(`${this.options.outDir}/tune.json`, result);
    return result;
  }

  /**
   * Measures a few worker counts between the doubling points around the knee, so the knee is
   * located to better than a factor of two; points stay in worker order.
   */
  async #refine(points: TunePoint[], stoppedBecause: string): Promise<string> {
    const clean = points.filter((p) => p.throttled === 0).map((p) => ({ workers: p.workers, throughput: p.opsPerSec }));
    for (const workers of refinement(clean)) {
      if (this.options.signal?.aborted === true) return 'interrupted';
      const point = await this.#measure(workers);
      if (point === undefined) break;
      points.push(point);
      this.emit('point', point);
    }
    points.sort((a, b) => a.workers - b.workers);
    return stoppedBecause;
  }

  /** One point of the sweep: a full run of the scenario's work at this many workers. */
  async #measure(workers: number): Promise<TunePoint | undefined> {
    const { scenario } = this.loaded;
    const strategy = workers === 1 ? { kind: 'sequential' as const } : { kind: 'async' as const, workers };
    const run = new ScenarioRun(
      { ...this.loaded, scenario: { ...scenario, strategies: [strategy], thresholds: [] } },
      {
        outDir: `${this.options.outDir}/workers-${workers}`,
        target: this.options.target,
        repetitions: this.options.repetitions ?? Math.min(scenario.repetitions, 2),
        warmup: Math.min(scenario.warmup, 1),
        ...(this.options.signal === undefined ? {} : { signal: this.options.signal }),
      },
    );
    const s = (await run.run()).strategies[0];
    if (s === undefined) return undefined;
    return {
      workers,
      opsPerSec: s.throughput.opsPerSec,
      throttled: s.throttled.total,
      errors: s.errors.total,
      p95Ms: s.latencyMs.p95,
    };
  }
}
