import { describe, expect, it } from 'vitest';
import { MeasurementSink } from './MeasurementSink.js';
import type { OperationOutcome, RequestSample } from './OperationOutcome.js';

function outcome(sample: RequestSample): OperationOutcome {
  return { state: 'ok', workload: 0, ops: 1, requestKind: 'single', requests: [sample], records: 0 };
}

describe('MeasurementSink on a time-compressed mock', () => {
  it("records each request's org time as the client worked it out, and merges it exactly", () => {
    const sink = new MeasurementSink(10);
    sink.accept(
      outcome({
        serviceMs: 11,
        responseMs: 12,
        org: { serviceMs: 101, responseMs: 102 },
        throttled: 0,
        kind: 'single',
        workloads: [0],
      }),
    );
    const into = new MeasurementSink(10).merge(sink.encode());
    for (const s of [sink, into]) {
      expect(MeasurementSink.percentiles(s.response).max).toBeCloseTo(102, 0);
      expect(MeasurementSink.percentiles(s.service).max).toBeCloseTo(101, 0);
    }
    expect(into.lastEndedAt).toBe(sink.lastEndedAt);
    expect(sink.lastEndedAt).toBeGreaterThan(0);
  });

  it("multiplies a sample that does not say its org time (a script's) by the scale; at 1 records it as measured", () => {
    const sample: RequestSample = { serviceMs: 4, responseMs: 5, throttled: 0, kind: 'single', workloads: [0] };
    const compressed = new MeasurementSink(10);
    compressed.accept(outcome(sample));
    expect(MeasurementSink.percentiles(compressed.response).max).toBeCloseTo(50, 0);
    const real = new MeasurementSink();
    real.accept(outcome(sample));
    expect(MeasurementSink.percentiles(real.response).max).toBeCloseTo(5, 1);
  });

  it("gives the timeline in the org's time: seconds stretched, rates divided by the scale", () => {
    const sink = new MeasurementSink(10);
    sink.startedAtEpochMs = Date.now();
    for (let i = 0; i < 5; i++)
      sink.accept(outcome({ serviceMs: 1, responseMs: 1, throttled: 0, kind: 'single', workloads: [0] }));
    const real = new MeasurementSink();
    for (const [k, v] of sink.timeline) real.timeline.set(k, [...v]);
    real.startedAtEpochMs = sink.startedAtEpochMs;
    const [c] = sink.timelinePoints();
    const [r] = real.timelinePoints();
    expect(c?.opsPerSec).toBeCloseTo((r?.opsPerSec ?? 0) / 10, 9);
    expect(c?.t).toBeCloseTo((r?.t ?? 0) * 10, 9);
  });
});
