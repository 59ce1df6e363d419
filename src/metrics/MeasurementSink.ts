import hdr from 'hdr-histogram-js';
import type { OperationOutcome, RequestSample } from './OperationOutcome.js';

export type Histogram = ReturnType<typeof hdr.build>;

export function latencyHistogram(): Histogram {
  // Microseconds from 1 µs to one hour, 3 significant digits.
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
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

/** How a request travelled: alone, as a `$batch`, as a one-changeset `$batch`, or as a bulk message. */
export type RequestKind = 'single' | 'batch' | 'changeset' | 'bulk';
export const REQUEST_KINDS: readonly RequestKind[] = ['single', 'batch', 'changeset', 'bulk'];

/** One distinct cause of failed operations: what the server (or the connection) said, and where it first happened. */
export interface ErrorCause {
  /** `HTTP 400 0x80060888`, `request failed: DVB_ERR_TARGET_UNREACHABLE`, `not run (batch stopped)`. */
  readonly kind: string;
  readonly status: number | null;
  readonly code: string | null;
  /** The server's message (or the client's), redacted and cut to 300 characters. */
  readonly message: string;
  /** The first operation that met it, e.g. `workload 0 (read account): GET accounts?$filter=…`. */
  readonly firstOperation: string;
  readonly count: number;
}

/** What a failed operation met, as recorded. */
export type FailureInput = Omit<ErrorCause, 'count'>;

/** Counts and latency of one slice of the work (a workload, or a request kind). */
interface SliceTotals {
  operations: number;
  failedOperations: number;
  requests: number;
}

/** The serializable form, sent back by worker threads and processes and merged exactly. */
export interface EncodedSink {
  readonly service: string;
  readonly response: string;
  readonly operations: number;
  readonly failedOperations: number;
  readonly requests: number;
  readonly records: number;
  readonly errors: Record<string, ErrorCause>;
  readonly timeline: Record<string, readonly [number, number]>;
  readonly workloads: Record<string, SliceTotals & { readonly response: string }>;
  readonly requestKinds: Record<string, SliceTotals & { readonly response: string }>;
  readonly failedIds: readonly string[];
  /** See `MeasurementSink.lastEndedAt`; absent from workers of older versions. */
  readonly lastEndedAt?: number;
}

/** Width of a timeline bucket, in ms. */
const TIMELINE_BUCKET_MS = 250;
/** Ids of failed operations kept for the audit; more than this and the audit says so. */
const MAX_FAILED_IDS = 100_000;

interface Slice extends SliceTotals {
  readonly response: Histogram;
}

function newSlice(): Slice {
  return { operations: 0, failedOperations: 0, requests: 0, response: latencyHistogram() };
}

/**
 * Where one worker's measurements go: HDR histograms of service time (one attempt) and response
 * time (retries and Retry-After waits included) per request, operation counts, the distinct
 * causes of failures, and the same per workload and per request kind. Histograms are merged,
 * not averaged, so percentiles across workers and repetitions stay exact. On a time-compressed
 * mock every time is recorded in the org's time (see `protocol/timeCompression.ts`), so
 * everything read from the sink is in the org's time too.
 */
export class MeasurementSink {
  /** How many times faster than the org's the target's clock runs (the mock's `timeScale`); 1 on an org. */
  readonly timeScale: number;
  readonly service: Histogram = latencyHistogram();
  readonly response: Histogram = latencyHistogram();
  #operations = 0;
  #failedOperations = 0;
  #requests = 0;
  #records = 0;
  readonly errors: Record<string, ErrorCause> = {};
  readonly workloads = new Map<number, Slice>();
  readonly requestKinds = new Map<RequestKind, Slice>();
  /** Ids of the records of operations that failed (creates, updates, deletes, units), for the audit. */
  readonly failedIds: string[] = [];
  /** Epoch-ms bucket → [operations finished, 429s met]; wall-clock so threads and processes line up. */
  readonly timeline = new Map<number, [number, number]>();
  /** When the measured work started (epoch ms), for a timeline relative to it. */
  startedAtEpochMs = 0;
  /** Told about every finished operation (the fail-fast monitor listens here). */
  onOperations: ((ok: number, failed: number, cause: FailureInput | undefined) => void) | undefined;

  /**
   * When the last operation ended, high-resolution epoch ms (comparable across threads and
   * processes): the end of the work, before the workers' own wind-down.
   */
  lastEndedAt = 0;

  constructor(timeScale = 1) {
    this.timeScale = timeScale;
  }

  #bucket(): [number, number] {
    const key = Math.floor(Date.now() / TIMELINE_BUCKET_MS);
    let b = this.timeline.get(key);
    if (b === undefined) this.timeline.set(key, (b = [0, 0]));
    return b;
  }

  static #slice<K>(map: Map<K, Slice>, key: K): Slice {
    let s = map.get(key);
    if (s === undefined) map.set(key, (s = newSlice()));
    return s;
  }

  get operations(): number {
    return this.#operations;
  }

  get failedOperations(): number {
    return this.#failedOperations;
  }

  get requests(): number {
    return this.#requests;
  }

  /** Records read by queries. */
  get records(): number {
    return this.#records;
  }

  /**
   * The one way in: an operation's outcome, as its executor returned it. Its requests are
   * measured; unless it was cancelled (the run was stopping), it counts as ok or failed.
   */
  accept(outcome: OperationOutcome): void {
    this.lastEndedAt = performance.timeOrigin + performance.now();
    for (const request of outcome.requests) this.#countRequest(request);
    this.#records += outcome.records;
    if (outcome.state === 'cancelled') return;
    const where = { workload: outcome.workload, requestKind: outcome.requestKind };
    if (outcome.state === 'ok') this.#countOperations(outcome.ops, 0, where);
    else this.#countOperations(0, outcome.ops, where, outcome.cause, outcome.failedIds);
  }

  acceptAll(outcomes: Iterable<OperationOutcome>): void {
    for (const outcome of outcomes) this.accept(outcome);
  }

  #countRequest(sample: RequestSample): void {
    this.#requests++;
    if (sample.throttled > 0) this.#bucket()[1] += sample.throttled;
    // A sample that does not say what it was in the org's time (a script's) is compressed throughout.
    const org = sample.org ?? {
      responseMs: sample.responseMs * this.timeScale,
      serviceMs: sample.serviceMs * this.timeScale,
    };
    const response = Math.max(1, Math.round(org.responseMs * 1000));
    this.service.recordValue(Math.max(1, Math.round(org.serviceMs * 1000)));
    this.response.recordValue(response);
    const kind = MeasurementSink.#slice(this.requestKinds, sample.kind);
    kind.requests++;
    kind.response.recordValue(response);
    // A $batch carrying several workloads counts toward each of them.
    for (const w of new Set(sample.workloads)) {
      const slice = MeasurementSink.#slice(this.workloads, w);
      slice.requests++;
      slice.response.recordValue(response);
    }
  }

  /**
   * Finished operations of one workload, sent as `requestKind`; a failure names its cause and the
   * records it was about.
   */
  #countOperations(
    ok: number,
    failed: number,
    where: { workload: number; requestKind: RequestKind },
    cause?: FailureInput,
    failedIds: readonly string[] = [],
  ): void {
    this.#operations += ok + failed;
    this.#failedOperations += failed;
    this.#bucket()[0] += ok + failed;
    for (const slice of [
      MeasurementSink.#slice(this.workloads, where.workload),
      MeasurementSink.#slice(this.requestKinds, where.requestKind),
    ]) {
      slice.operations += ok + failed;
      slice.failedOperations += failed;
    }
    if (failed > 0 && cause !== undefined) {
      const known = this.errors[cause.kind];
      this.errors[cause.kind] =
        known === undefined ? { ...cause, count: failed } : { ...known, count: known.count + failed };
    }
    for (const id of failedIds) if (this.failedIds.length < MAX_FAILED_IDS) this.failedIds.push(id);
    this.onOperations?.(ok, failed, cause);
  }

  encode(): EncodedSink {
    const slices = <K>(map: Map<K, Slice>): Record<string, SliceTotals & { response: string }> =>
      Object.fromEntries(
        [...map].map(([k, s]) => [
          String(k),
          {
            operations: s.operations,
            failedOperations: s.failedOperations,
            requests: s.requests,
            response: hdr.encodeIntoCompressedBase64(s.response),
          },
        ]),
      );
    return {
      service: hdr.encodeIntoCompressedBase64(this.service),
      response: hdr.encodeIntoCompressedBase64(this.response),
      operations: this.operations,
      failedOperations: this.failedOperations,
      requests: this.requests,
      records: this.records,
      errors: { ...this.errors },
      timeline: Object.fromEntries([...this.timeline].map(([k, v]) => [String(k), [v[0], v[1]] as const])),
      workloads: slices(this.workloads),
      requestKinds: slices(this.requestKinds),
      failedIds: [...this.failedIds],
      lastEndedAt: this.lastEndedAt,
    };
  }

  /** Operations per second and 429s per bucket, from `startedAtEpochMs`, in the org's time. */
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
      points.push({
        t: Math.max(0, (k * TIMELINE_BUCKET_MS - origin) / 1000) * this.timeScale,
        opsPerSec: (ops * (1000 / TIMELINE_BUCKET_MS)) / this.timeScale,
        throttled,
      });
    }
    return points;
  }

  merge(other: EncodedSink | MeasurementSink): this {
    const encoded = other instanceof MeasurementSink ? other.encode() : other;
    this.service.add(hdr.decodeFromCompressedBase64(encoded.service));
    this.response.add(hdr.decodeFromCompressedBase64(encoded.response));
    this.#operations += encoded.operations;
    this.#failedOperations += encoded.failedOperations;
    this.#requests += encoded.requests;
    this.#records += encoded.records;
    this.lastEndedAt = Math.max(this.lastEndedAt, encoded.lastEndedAt ?? 0);
    for (const [k, cause] of Object.entries(encoded.errors)) {
      const known = this.errors[k];
      this.errors[k] = known === undefined ? { ...cause } : { ...known, count: known.count + cause.count };
    }
    for (const [k, [ops, throttled]] of Object.entries(encoded.timeline)) {
      const b = this.timeline.get(Number(k)) ?? [0, 0];
      this.timeline.set(Number(k), [b[0] + ops, b[1] + throttled]);
    }
    const mergeSlices = <K>(
      map: Map<K, Slice>,
      from: Record<string, SliceTotals & { response: string }>,
      key: (k: string) => K,
    ): void => {
      for (const [k, s] of Object.entries(from)) {
        const into = MeasurementSink.#slice(map, key(k));
        into.operations += s.operations;
        into.failedOperations += s.failedOperations;
        into.requests += s.requests;
        into.response.add(hdr.decodeFromCompressedBase64(s.response));
      }
    };
    mergeSlices(this.workloads, encoded.workloads, Number);
    mergeSlices(this.requestKinds, encoded.requestKinds, (k) => k as RequestKind);
    for (const id of encoded.failedIds) if (this.failedIds.length < MAX_FAILED_IDS) this.failedIds.push(id);
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
