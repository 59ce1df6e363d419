import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'dvbench.js');

/** The examples compared at ×1 and compressed: all but the load test and the already-compressed throttling demo. */
const EXAMPLES = [
  'paper-reproduction',
  'batch-vs-transaction-vs-bulk',
  'insert-with-lookups',
  'read-aggregate',
  'read-fetchxml',
  'read-paged',
  'transaction-clone-quote',
  'tune-capacity-8',
  'update',
] as const;

/** The scales paper-reproduction is swept over, beside `auto`. */
const SWEEP = [2, 5, 10, 20] as const;

/** Errors past this make a scale too much for this machine. */
const TOLERANCE_PERCENT = 3;

interface StrategyFigures {
  readonly name: string;
  /** Standard error of its mean wall time over its repetitions, % of the mean. */
  readonly standardErrorPercent: number;
  readonly opsPerSec: number;
  readonly speedup: number | null;
  readonly p50: number;
  readonly p95: number;
}

interface Measured {
  readonly timeScale: number;
  readonly seconds: number;
  /** Warnings the run gave about its own compression (fell short, mock's loop saturated). */
  readonly compressionWarnings: number;
  readonly strategies: readonly StrategyFigures[];
}

export interface CompressionRow {
  readonly scenario: string;
  /** The scale asked for (`auto` says what it chose in `timeScale`). */
  readonly asked: string;
  readonly timeScale: number;
  readonly seconds: number;
  readonly realTimeSeconds: number;
  /** Worst error over the strategies against the ×1 run, %: throughput, speedup, p50, p95. */
  readonly errors: {
    readonly throughput: number;
    readonly speedup: number;
    readonly p50: number;
    readonly p95: number;
  };
  /**
   * Within ±3% on throughput and speedup; `null` for a run auto left at ×1: the same run as the
   * reference, so its errors are two ×1 runs' own difference, nothing compression did.
   */
  readonly withinTolerance: boolean | null;
  /** The run's own warnings that its compression fell short. */
  readonly compressionWarnings: number;
  /**
   * Strategies left out of the errors and the judgement: the ×1 run's own figure is uncertain by
   * more than the tolerance (its standard error; say, retries with random backoff deciding the
   * wall time), so a second ×1 run would miss the first by more than 3% too. Each with it, %.
   */
  readonly unjudged: readonly { readonly strategy: string; readonly standardErrorPercent: number }[];
}

export interface HarnessGap {
  readonly strategy: string;
  /** A worker's real time per request on a mock with no costs, ms: what the mock must give back. */
  readonly msPerRequestAndWorker: number;
}

function run(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.on('close', (code) => {
      resolve({ code, stderr });
    });
  });
}

async function measure(file: string, out: string, extra: readonly string[]): Promise<Measured> {
  const started = performance.now();
  const { code, stderr } = await run(['run', file, '--out', out, '--quiet', ...extra]);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`dvbench run ${file} ${extra.join(' ')} exited ${String(code)}:\n${stderr}`);
  const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as {
    timeScale: number;
    warnings: string[];
    strategies: {
      name: string;
      wallMs: { mean: number; stddev: number; n: number };
      throughput: { opsPerSec: number };
      speedup: number | null;
      latencyMs: { p50: number; p95: number };
    }[];
  };
  return {
    timeScale: results.timeScale,
    seconds,
    compressionWarnings: results.warnings.filter((w) => w.includes('time compression')).length,
    strategies: results.strategies.map((s) => ({
      name: s.name,
      standardErrorPercent: s.wallMs.mean > 0 ? (s.wallMs.stddev / Math.sqrt(s.wallMs.n) / s.wallMs.mean) * 100 : 0,
      opsPerSec: s.throughput.opsPerSec,
      speedup: s.speedup,
      p50: s.latencyMs.p50,
      p95: s.latencyMs.p95,
    })),
  };
}

const percent = (a: number, b: number): number => (b === 0 ? 0 : Math.round((a / b - 1) * 1000) / 10);

/** A strategy whose ×1 figure is itself uncertain by more than the tolerance: no second ×1 run would match it within it either. */
const unreproducible = (s: StrategyFigures): boolean => s.standardErrorPercent > TOLERANCE_PERCENT;

function worst(compressed: Measured, real: Measured, pick: (s: StrategyFigures) => number | null): number {
  let out = 0;
  for (const s of compressed.strategies) {
    const r = real.strategies.find((x) => x.name === s.name);
    if (r === undefined || unreproducible(r)) continue;
    const a = pick(s);
    const b = pick(r);
    if (a === null || b === null) continue;
    const e = percent(a, b);
    if (Math.abs(e) > Math.abs(out)) out = e;
  }
  return out;
}

function row(scenario: string, asked: string, compressed: Measured, real: Measured): CompressionRow {
  const errors = {
    throughput: worst(compressed, real, (s) => s.opsPerSec),
    speedup: worst(compressed, real, (s) => s.speedup),
    p50: worst(compressed, real, (s) => s.p50),
    p95: worst(compressed, real, (s) => s.p95),
  };
  return {
    scenario,
    asked,
    timeScale: compressed.timeScale,
    seconds: Math.round(compressed.seconds * 10) / 10,
    realTimeSeconds: Math.round(real.seconds * 10) / 10,
    errors,
    compressionWarnings: compressed.compressionWarnings,
    unjudged: real.strategies
      .filter(unreproducible)
      .map((s) => ({ strategy: s.name, standardErrorPercent: Math.round(s.standardErrorPercent * 10) / 10 })),
    withinTolerance:
      compressed.timeScale === 1
        ? null
        : Math.abs(errors.throughput) <= TOLERANCE_PERCENT && Math.abs(errors.speedup) <= TOLERANCE_PERCENT,
  };
}

/**
 * Each example at ×1 and at `--time-scale auto`, and paper-reproduction swept over fixed
 * scales: the worst error of throughput, speedup and p50/p95 against ×1, per scale, and the
 * harness's own time per request and worker (a run at no cost) that limits how far a run compresses.
 */
export async function timeCompressionAccuracy(
  examples: readonly string[] = EXAMPLES,
): Promise<{ rows: CompressionRow[]; gaps: HarnessGap[]; largestHeld: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'dvbench-compression-'));
  const rows: CompressionRow[] = [];
  let gaps: HarnessGap[] = [];
  try {
    for (const name of examples) {
      const file = join(ROOT, 'scenarios', `${name}.yaml`);
      const real = await measure(file, join(dir, `${name}-x1`), []);
      rows.push(row(name, 'auto', await measure(file, join(dir, `${name}-auto`), ['--time-scale', 'auto']), real));
      if (name !== 'paper-reproduction') continue;
      for (const n of SWEEP)
        rows.push(
          row(name, String(n), await measure(file, join(dir, `${name}-x${n}`), ['--time-scale', String(n)]), real),
        );
      const free = await measure(file, join(dir, `${name}-zero`), ['--profile', 'zero']);
      gaps = free.strategies.map((s) => {
        const workers = Number(/:(\d+)/.exec(s.name)?.[1] ?? 1);
        return { strategy: s.name, msPerRequestAndWorker: Math.round((workers / s.opsPerSec) * 1e5) / 100 };
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const paper = rows.filter((r) => r.scenario === 'paper-reproduction' && r.asked !== 'auto');
  const largestHeld = Math.max(1, ...paper.filter((r) => r.withinTolerance === true).map((r) => r.timeScale));
  return { rows, gaps, largestHeld };
}
