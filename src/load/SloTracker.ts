import { latencyHistogram, MeasurementSink, type Histogram } from '../metrics/MeasurementSink.js';
import { durationMs, type SloSpec } from '../scenario/loadSchema.js';
import type { ArrivalOutcome } from './LoadSeries.js';

/** One window of one objective, judged. */
export interface SloWindow {
  /** Window start and end, s from the load's start. */
  readonly from: number;
  readonly to: number;
  /** The metric over the window; null when nothing finished in it. */
  readonly value: number | null;
  readonly ok: boolean;
}

export interface SloResult {
  /** As written: `p95 < 400 (10s windows after 30s)`. */
  readonly name: string;
  readonly spec: SloSpec;
  readonly ok: boolean;
  readonly windows: readonly SloWindow[];
}

interface WindowState {
  readonly latency: Histogram;
  ops: number;
  failed: number;
  throttled: number;
  due: number;
  dropped: number;
}

const COMPARE: Record<SloSpec['op'], (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
};

function sloName(spec: SloSpec): string {
  const after = durationMs(spec.after);
  return `${spec.workload === undefined ? '' : `${spec.workload}: `}${spec.metric} ${spec.op} ${spec.value} (${String(spec.window)} windows${after > 0 ? ` after ${String(spec.after)}` : ''})`;
}

/**
 * One objective judged over back-to-back windows, live: each window is judged when the load's
 * clock passes its end, so a run can stop at the first window lost (abortOnFail).
 */
export class SloTracker {
  readonly spec: SloSpec;
  readonly #workload: number | undefined;
  readonly #windowMs: number;
  #from: number;
  #state: WindowState = SloTracker.#empty();
  readonly windows: SloWindow[] = [];

  constructor(spec: SloSpec, workload: number | undefined) {
    this.spec = spec;
    this.#workload = workload;
    this.#windowMs = durationMs(spec.window);
    this.#from = durationMs(spec.after);
  }

  static #empty(): WindowState {
    return { latency: latencyHistogram(), ops: 0, failed: 0, throttled: 0, due: 0, dropped: 0 };
  }

  /** A finished arrival, counted in the window its end falls in. */
  add(o: ArrivalOutcome): void {
    if (o.endMs < this.#from || (this.#workload !== undefined && o.workload !== this.#workload)) return;
    const s = this.#state;
    s.ops++;
    if (o.failed) s.failed++;
    if (o.throttled > 0) s.throttled++;
    s.latency.recordValue(Math.max(1, Math.round((o.endMs - o.intendedMs) * 1000)));
  }

  /** An arrival that came due: sent or dropped. */
  arrived(atMs: number, dropped: boolean, workload: number): void {
    if (atMs < this.#from || (this.#workload !== undefined && workload !== this.#workload)) return;
    this.#state.due++;
    if (dropped) this.#state.dropped++;
  }

  #value(): number | null {
    const s = this.#state;
    switch (this.spec.metric) {
      case 'errorRate':
        return s.ops === 0 ? null : s.failed / s.ops;
      case 'throttledRate':
        return s.ops === 0 ? null : s.throttled / s.ops;
      case 'droppedRate':
        return s.due === 0 ? null : s.dropped / s.due;
      case 'opsPerSec':
        return (s.ops / this.#windowMs) * 1000;
      default:
        return s.ops === 0 ? null : MeasurementSink.percentiles(s.latency)[this.spec.metric];
    }
  }

  /**
   * Judges every window that ended by `nowMs` (and, with `final`, the last one, however short);
   * true if one was lost.
   */
  advance(nowMs: number, final = false): boolean {
    let lost = false;
    while (this.#from + this.#windowMs <= nowMs || (final && this.#from < nowMs)) {
      const to = Math.min(this.#from + this.#windowMs, nowMs);
      const value = this.#value();
      // A window with nothing finished meets a latency or rate objective vacuously, but not a throughput one.
      const ok = value === null ? this.spec.metric !== 'opsPerSec' : COMPARE[this.spec.op](value, this.spec.value);
      const round = (v: number): number => Math.round(v * 10_000) / 10_000;
      this.windows.push({ from: this.#from / 1000, to: to / 1000, value: value === null ? null : round(value), ok });
      if (!ok) lost = true;
      this.#from = to;
      this.#state = SloTracker.#empty();
      if (final) break;
    }
    return lost;
  }

  result(): SloResult {
    return { name: sloName(this.spec), spec: this.spec, ok: this.windows.every((w) => w.ok), windows: this.windows };
  }
}
