import hdr from 'hdr-histogram-js';

type Histogram = ReturnType<typeof hdr.build>;

function histogram(): Histogram {
  // Microseconds from 1 µs to one hour, 3 significant digits.
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
}

export interface LatencyPercentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
  readonly count: number;
}

/** The serializable form, sent back by worker threads and processes and merged exactly. */
export interface EncodedSink {
  readonly service: string;
  readonly response: string;
  readonly operations: number;
  readonly failedOperations: number;
  readonly requests: number;
  readonly records: number;
  readonly errors: Record<string, number>;
  readonly timeline: Record<string, readonly [number, number]>;
}

/** Width of a timeline bucket, in ms. */
export const TIMELINE_BUCKET_MS = 250;

/**
 * Where one worker's measurements go: HDR histograms of service time (one attempt) and response
 * time (retries and Retry-After waits included) per request, and operation counts. Histograms
 * are merged, not averaged, so percentiles across workers and repetitions stay exact.
 */
export class MeasurementSink {
  readonly service: Histogram = histogram();
  readonly response: Histogram = histogram();
  operations = 0;
  failedOperations = 0;
  requests = 0;
  /** Records read by queries. */
  records = 0;
  readonly errors: Record<string, number> = {};
  /** Epoch-ms bucket → [operations finished, 429s met]; wall-clock so threads and processes line up. */
  readonly timeline = new Map<number, [number, number]>();
  /** When the measured work started (epoch ms), for a timeline relative to it. */
  startedAtEpochMs = 0;

  #bucket(): [number, number] {
    const key = Math.floor(Date.now() / TIMELINE_BUCKET_MS);
    let b = this.timeline.get(key);
    if (b === undefined) this.timeline.set(key, (b = [0, 0]));
    return b;
  }

  recordRequest(serviceMs: number, responseMs: number, throttled = 0): void {
    this.requests++;
    if (throttled > 0) this.#bucket()[1] += throttled;
    this.service.recordValue(Math.max(1, Math.round(serviceMs * 1000)));
    this.response.recordValue(Math.max(1, Math.round(responseMs * 1000)));
  }

  recordOperations(ok: number, failed: number, errorKinds: readonly string[] = []): void {
    this.operations += ok + failed;
    this.failedOperations += failed;
    this.#bucket()[0] += ok + failed;
    for (const kind of errorKinds) this.errors[kind] = (this.errors[kind] ?? 0) + 1;
  }

  encode(): EncodedSink {
    return {
      service: hdr.encodeIntoCompressedBase64(this.service),
      response: hdr.encodeIntoCompressedBase64(this.response),
      operations: this.operations,
      failedOperations: this.failedOperations,
      requests: this.requests,
      records: this.records,
      errors: { ...this.errors },
      timeline: Object.fromEntries([...this.timeline].map(([k, v]) => [String(k), [v[0], v[1]] as const])),
    };
  }

  /** Operations per second and 429s per bucket, from `startedAtEpochMs`. */
  timelinePoints(): { t: number; opsPerSec: number; throttled: number }[] {
    const keys = [...this.timeline.keys()];
    if (keys.length === 0) return [];
    const first = Math.min(...keys);
    const last = Math.max(...keys);
    const origin = this.startedAtEpochMs > 0 ? this.startedAtEpochMs : first * TIMELINE_BUCKET_MS;
    const points: { t: number; opsPerSec: number; throttled: number }[] = [];
    // Every bucket, empty ones too: a stall (everyone waiting out a Retry-After) must show as zero.
    for (let k = first; k <= last; k++) {
      const [ops, throttled] = this.timeline.get(k) ?? [0, 0];
      points.push({ t: Math.max(0, (k * TIMELINE_BUCKET_MS - origin) / 1000), opsPerSec: ops * (1000 / TIMELINE_BUCKET_MS), throttled });
    }
    return points;
  }

  merge(other: EncodedSink | MeasurementSink): this {
    const encoded = other instanceof MeasurementSink ? other.encode() : other;
    this.service.add(hdr.decodeFromCompressedBase64(encoded.service));
    this.response.add(hdr.decodeFromCompressedBase64(encoded.response));
    this.operations += encoded.operations;
    this.failedOperations += encoded.failedOperations;
    this.requests += encoded.requests;
    this.records += encoded.records;
    for (const [k, n] of Object.entries(encoded.errors)) this.errors[k] = (this.errors[k] ?? 0) + n;
    for (const [k, [ops, throttled]] of Object.entries(encoded.timeline)) {
      const b = this.timeline.get(Number(k)) ?? [0, 0];
      this.timeline.set(Number(k), [b[0] + ops, b[1] + throttled]);
    }
    return this;
  }

  static percentiles(h: Histogram): LatencyPercentiles {
    const ms = (us: number): number => Math.round(us) / 1000;
    if (h.totalCount === 0) return { p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0, count: 0 };
    return {
      p50: ms(h.getValueAtPercentile(50)),
      p90: ms(h.getValueAtPercentile(90)),
      p95: ms(h.getValueAtPercentile(95)),
      p99: ms(h.getValueAtPercentile(99)),
      max: ms(h.maxValue),
      mean: ms(h.mean),
      count: h.totalCount,
    };
  }
}
