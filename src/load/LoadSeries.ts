import { latencyHistogram, MeasurementSink, type Histogram } from '../metrics/MeasurementSink.js';

/** One finished arrival, as the generator saw it. */
export interface ArrivalOutcome {
  readonly workload: number;
  /** ms from the load's start: when it was meant to go, and when it finished. */
  readonly intendedMs: number;
  readonly endMs: number;
  readonly failed: boolean;
  /** 429s its requests met (each retried after its Retry-After). */
  readonly throttled: number;
}

/** One point of the time series: what finished in [t, t + interval). */
export interface LoadPoint {
  /** Start of the interval, in s from the load's start. */
  readonly t: number;
  /** The planned arrival rate at the interval's middle, per second. */
  readonly targetRate: number;
  /** Arrivals due in the interval, sent, dropped (maxInFlight) and sent late (past lateMs). */
  readonly due: number;
  readonly sent: number;
  readonly dropped: number;
  readonly late: number;
  /** Operations that finished in the interval, per second, and by workload name. */
  readonly opsPerSec: number;
  readonly byWorkload: Readonly<Record<string, number>>;
  readonly failed: number;
  /** Operations that met at least one 429, and 429s by Dataverse limit code. */
  readonly throttledOps: number;
  readonly throttledByCode: Readonly<Record<string, number>>;
  /** Latency from the intended start (no coordinated omission), ms. */
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly inFlightMax: number;
  readonly clientCpuPercent: number;
  readonly clientRssMb: number;
  /** The embedded mock's CPU and memory; null against an org. */
  readonly serverCpuPercent: number | null;
  readonly serverRssMb: number | null;
}

/** What one interval gathers before it becomes a point. */
export class IntervalBucket {
  readonly latency: Histogram = latencyHistogram();
  readonly byWorkload = new Map<number, number>();
  due = 0;
  sent = 0;
  dropped = 0;
  late = 0;
  ops = 0;
  failed = 0;
  throttledOps = 0;
  inFlightMax = 0;

  add(o: ArrivalOutcome): void {
    this.ops++;
    if (o.failed) this.failed++;
    if (o.throttled > 0) this.throttledOps++;
    this.byWorkload.set(o.workload, (this.byWorkload.get(o.workload) ?? 0) + 1);
    this.latency.recordValue(Math.max(1, Math.round((o.endMs - o.intendedMs) * 1000)));
  }

  percentiles(): { p50: number; p95: number; p99: number; max: number } {
    const { p50, p95, p99, max } = MeasurementSink.percentiles(this.latency);
    return { p50, p95, p99, max };
  }
}
