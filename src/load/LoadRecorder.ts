import type { MockCosts } from '../../mock-server/index.js';
import type { DataverseClient } from '../client/DataverseClient.js';
import { latencyHistogram, MeasurementSink, type Histogram } from '../metrics/MeasurementSink.js';
import type { ServerSnapshot } from '../target/prepareData.js';
import type { Environment } from '../output/environment.js';
import type { LoadedScenario } from '../scenario/loadScenario.js';
import type { Ramp } from '../scenario/arrivalSchedule.js';
import type { GeneratorTotals } from './generateLoad.js';
import type { LoadSpec } from '../scenario/loadSchema.js';
import type { LoadResults, Trend } from './LoadResults.js';
import { IntervalBucket, type ArrivalOutcome, type LoadPoint } from './LoadSeries.js';
import { SloTracker } from './SloTracker.js';

export interface RecorderInput {
  readonly loaded: LoadedScenario;
  readonly load: LoadSpec;
  readonly ramps: readonly Ramp[];
  readonly runId: string;
  readonly target: string;
  /** The server's own figures (the embedded mock's); undefined where the target reports none. */
  readonly server: () => Promise<ServerSnapshot | undefined>;
  /** Where the mock's costs came from; null on an org. */
  readonly mockCosts: MockCosts | null;
  readonly environment: Environment;
  readonly sink: MeasurementSink;
  readonly client: DataverseClient;
  /** Said before the load started: a plan that cannot fit the users' service protection limits. */
  readonly warnings: readonly string[];
}

export interface LostWindow {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly value: number | null;
}

const round = (v: number, digits = 1): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** Least-squares line through the points; growth is flagged past 20% of the fitted start. */
function trendOf(points: readonly { t: number; v: number }[]): Trend | null {
  if (points.length < 5) return null;
  const mt = points.reduce((a, p) => a + p.t, 0) / points.length;
  const mv = points.reduce((a, p) => a + p.v, 0) / points.length;
  const stt = points.reduce((a, p) => a + (p.t - mt) ** 2, 0);
  const slope = stt === 0 ? 0 : points.reduce((a, p) => a + (p.t - mt) * (p.v - mv), 0) / stt;
  const first = points[0]?.t ?? 0;
  const last = points.at(-1)?.t ?? 0;
  const start = mv + slope * (first - mt);
  const end = mv + slope * (last - mt);
  return {
    start: round(start, 2),
    end: round(end, 2),
    perMinute: round(slope * 60, 3),
    growing: start > 0 ? end > start * 1.2 : end > 0,
  };
}

/**
 * Everything a load run measures, as it happens: the interval being filled, the series so far,
 * the objectives' windows, and the whole-run latency; `results` turns it into results.json.
 */
export class LoadRecorder {
  readonly #in: RecorderInput;
  readonly #slos: SloTracker[];
  readonly #series: LoadPoint[] = [];
  readonly #all: Histogram = latencyHistogram();
  readonly #byWorkload = new Map<number, { ops: number; failed: number; latency: Histogram }>();
  #bucket = new IntervalBucket();
  #bucketFrom = 0;
  #inFlight = 0;
  #cpu = process.cpuUsage();
  #cpuAt = 0;
  #throttledBefore: Record<string, number> = {};
  #server: ServerSnapshot | undefined;
  #serverAt = 0;
  readonly #startedAt = new Date().toISOString();
  planned = 0;
  totals: Omit<GeneratorTotals, 'startedAt'> = { due: 0, sent: 0, dropped: 0, late: 0, interrupted: 0 };
  stoppedEarly: string | undefined;

  constructor(input: RecorderInput) {
    this.#in = input;
    const names = input.loaded.scenario.workloads.map((w, i) => w.name ?? `workload ${i}`);
    this.#slos = input.load.slos.map(
      (s) => new SloTracker(s, s.workload === undefined ? undefined : names.indexOf(s.workload)),
    );
  }

  get points(): number {
    return this.#series.length;
  }

  start(): void {
    this.#cpu = process.cpuUsage();
    this.#cpuAt = performance.now();
    void this.pollServer();
  }

  arrival(atMs: number, workload: number, sent: boolean, lateByMs: number): void {
    const b = this.#bucket;
    b.due++;
    if (sent) b.sent++;
    else b.dropped++;
    if (sent && lateByMs > this.#in.load.lateMs) b.late++;
    for (const s of this.#slos) s.arrived(atMs, !sent, workload);
  }

  outcome(o: ArrivalOutcome): void {
    this.#bucket.add(o);
    const us = Math.max(1, Math.round((o.endMs - o.intendedMs) * 1000));
    this.#all.recordValue(us);
    let w = this.#byWorkload.get(o.workload);
    if (w === undefined) this.#byWorkload.set(o.workload, (w = { ops: 0, failed: 0, latency: latencyHistogram() }));
    w.ops++;
    if (o.failed) w.failed++;
    w.latency.recordValue(us);
    for (const s of this.#slos) s.add(o);
  }

  inFlight(n: number): void {
    this.#inFlight = n;
    if (n > this.#bucket.inFlightMax) this.#bucket.inFlightMax = n;
  }

  /** The embedded mock's CPU and peak memory so far (nothing against an org). */
  async pollServer(): Promise<ServerSnapshot | undefined> {
    try {
      return await this.#in.server();
    } catch {
      return undefined; // the mock is going away with the run; the point keeps null
    }
  }

  #rateAt(ms: number): number {
    const r = this.#in.ramps.find((x) => ms < x.startMs + x.durationMs) ?? this.#in.ramps.at(-1);
    if (r === undefined) return 0;
    const f = Math.min(1, Math.max(0, (ms - r.startMs) / r.durationMs));
    return (r.fromRate + (r.toRate - r.fromRate) * f) * 1000;
  }

  /** Which stage the clock is in, and the time left. */
  progress(nowMs: number): { stage: number; stages: number; remainingSeconds: number } {
    const ramps = this.#in.ramps;
    const i = ramps.findIndex((r) => nowMs < r.startMs + r.durationMs);
    const end = (ramps.at(-1)?.startMs ?? 0) + (ramps.at(-1)?.durationMs ?? 0);
    return {
      stage: (i < 0 ? ramps.length - 1 : i) + 1,
      stages: ramps.length,
      remainingSeconds: Math.max(0, (end - nowMs) / 1000),
    };
  }

  #throttledDelta(): Record<string, number> {
    const now = this.#in.client.counters.throttledByCode;
    const delta: Record<string, number> = {};
    for (const [code, n] of Object.entries(now)) {
      const d = n - (this.#throttledBefore[code] ?? 0);
      if (d > 0) delta[code] = d;
    }
    this.#throttledBefore = { ...now };
    return delta;
  }

  /** Ends the interval at `nowMs` as a point of the series, and judges the objectives' windows that ended. */
  closeInterval(nowMs: number, final: boolean): { point: LoadPoint | undefined; lost: LostWindow[] } {
    const b = this.#bucket;
    const spanMs = nowMs - this.#bucketFrom;
    let point: LoadPoint | undefined;
    if (spanMs > 1 || b.ops > 0 || b.due > 0) {
      const cpu = process.cpuUsage(this.#cpu);
      const cpuSpan = performance.now() - this.#cpuAt;
      const names = this.#in.loaded.scenario.workloads.map((w, i) => w.name ?? `workload ${i}`);
      point = {
        t: round(this.#bucketFrom / 1000, 3),
        targetRate: round(this.#rateAt((this.#bucketFrom + nowMs) / 2), 2),
        due: b.due,
        sent: b.sent,
        dropped: b.dropped,
        late: b.late,
        opsPerSec: round((b.ops / Math.max(1, spanMs)) * 1000, 2),
        byWorkload: Object.fromEntries([...b.byWorkload].map(([w, n]) => [names[w] ?? `workload ${w}`, n])),
        failed: b.failed,
        throttledOps: b.throttledOps,
        throttledByCode: this.#throttledDelta(),
        ...b.percentiles(),
        inFlightMax: Math.max(b.inFlightMax, this.#inFlight),
        clientCpuPercent: round(((cpu.user + cpu.system) / 1000 / Math.max(1, cpuSpan)) * 100),
        clientRssMb: round(process.memoryUsage.rss() / 1_048_576),
        serverCpuPercent: null,
        serverRssMb: null,
      };
      this.#series.push(point);
      this.#attachServer(point);
    }
    this.#cpu = process.cpuUsage();
    this.#cpuAt = performance.now();
    this.#bucket = new IntervalBucket();
    this.#bucketFrom = nowMs;
    return { point, lost: this.#judge(nowMs, final) };
  }

  /** The server's figures arrive a moment after the point: they are filled in when they do. */
  #attachServer(point: LoadPoint): void {
    void this.pollServer().then((s) => {
      const at = performance.now();
      if (s !== undefined && this.#server !== undefined) {
        const cpuMs = s.cpuUserMs + s.cpuSystemMs - this.#server.cpuUserMs - this.#server.cpuSystemMs;
        const writable = point as { serverCpuPercent: number | null; serverRssMb: number | null };
        writable.serverCpuPercent = round((cpuMs / Math.max(1, at - this.#serverAt)) * 100);
        writable.serverRssMb = round(s.peakRssBytes / 1_048_576);
      }
      if (s !== undefined) {
        this.#server = s;
        this.#serverAt = at;
      }
    });
  }

  #judge(nowMs: number, final: boolean): LostWindow[] {
    const lost: LostWindow[] = [];
    for (const s of this.#slos) {
      const before = s.windows.length;
      if (!s.advance(nowMs, final)) continue;
      for (const w of s.windows.slice(before))
        if (!w.ok) lost.push({ name: s.result().name, from: w.from, to: w.to, value: w.value });
    }
    return lost;
  }

  /**
   * Trends over the constant-rate stages only: a ramp raises latency by design, and the drain after
   * the last stage is no load.
   */
  #soak(): LoadResults['soak'] {
    const steady = this.#in.ramps.filter((r) => r.fromRate === r.toRate && r.toRate > 0);
    const points = this.#series.filter((p) =>
      steady.some((r) => p.t * 1000 >= r.startMs && p.t * 1000 < r.startMs + r.durationMs),
    );
    return {
      clientRssMb: trendOf(points.map((p) => ({ t: p.t, v: p.clientRssMb }))),
      p95Ms: trendOf(points.filter((p) => p.opsPerSec > 0).map((p) => ({ t: p.t, v: p.p95 }))),
    };
  }

  results(partial: boolean, elapsedMs: number): LoadResults {
    const { loaded, load, sink, client } = this.#in;
    const names = loaded.scenario.workloads.map((w, i) => w.name ?? `workload ${i}`);
    const slos = this.#slos.map((s) => s.result());
    const operations = sink.operations;
    const reasons = [
      ...slos.filter((s) => !s.ok).map((s) => `objective missed: ${s.name}`),
      ...failureReasons(sink.failedOperations, operations, this.totals.interrupted, loaded.scenario.maxErrorRate),
      ...(operations === 0 && !partial ? ['no operation finished'] : []),
      ...(this.stoppedEarly === undefined ? [] : [`stopped early: ${this.stoppedEarly}`]),
    ];
    const throttledByCode = { ...client.counters.throttledByCode };
    return {
      kind: 'load',
      schemaVersion: 1,
      runId: this.#in.runId,
      scenarioFile: loaded.path,
      scenarioName: loaded.scenario.name,
      target: this.#in.target,
      mockCosts: this.#in.mockCosts,
      environment: this.#in.environment,
      startedAt: this.#startedAt,
      finishedAt: partial ? null : new Date().toISOString(),
      partial,
      stoppedEarly: this.stoppedEarly ?? null,
      warnings: this.#in.warnings,
      verdict: { status: reasons.length === 0 ? 'ok' : 'failed', reasons },
      load,
      timeScale: sink.timeScale,
      plannedSeconds: round(
        (this.#in.ramps.at(-1)?.startMs ?? 0) / 1000 + (this.#in.ramps.at(-1)?.durationMs ?? 0) / 1000,
        3,
      ),
      elapsedSeconds: round(elapsedMs / 1000, 3),
      realSeconds: round(elapsedMs / 1000 / sink.timeScale, 3),
      arrivals: { planned: this.planned, ...this.totals },
      operations,
      failed: sink.failedOperations,
      throttledOps: this.#series.reduce((a, p) => a + p.throttledOps, 0),
      throttledByCode,
      retries: client.counters.retries,
      latencyMs: MeasurementSink.percentiles(this.#all),
      byWorkload: [...this.#byWorkload]
        .sort(([a], [b]) => a - b)
        .map(([w, s]) => ({
          name: names[w] ?? `workload ${w}`,
          operations: s.ops,
          failed: s.failed,
          latencyMs: MeasurementSink.percentiles(s.latency),
        })),
      errors: Object.values(sink.errors).map((e) => ({ kind: e.kind, count: e.count, message: e.message })),
      slos,
      stageBoundaries: this.#in.ramps.slice(1).map((r) => round(r.startMs / 1000, 3)),
      series: this.#series,
      soak: this.#soak(),
    };
  }
}

/** Operations cancelled unanswered at the graceful stop did not succeed either: they count against maxErrorRate. */
function failureReasons(failed: number, operations: number, interrupted: number, maxErrorRate: number): string[] {
  const all = operations + interrupted;
  if (all === 0 || (failed + interrupted) / all <= maxErrorRate) return [];
  const cancelled = interrupted === 0 ? '' : ` and ${interrupted} cancelled unanswered at the graceful stop`;
  return [`${failed} of ${all} operations failed${cancelled} (maxErrorRate ${maxErrorRate})`];
}
