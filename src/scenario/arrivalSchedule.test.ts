import { describe, expect, it } from 'vitest';
import { arrivalTimes, rampsOf, totalArrivals } from './arrivalSchedule.js';
import { WorkloadMix } from '../load/workloadMix.js';

const spec = (
  stages: { duration: string | number; rate: number }[],
  startRate?: number,
  timeUnit: 's' | 'm' = 's',
) => ({
  stages,
  timeUnit,
  ...(startRate === undefined ? {} : { startRate }),
});

describe('arrival schedule', () => {
  it('a constant rate of 10/s for 1 s is 10 arrivals, 100 ms apart, from 0', () => {
    const ramps = rampsOf(spec([{ duration: '1s', rate: 10 }]));
    expect([...arrivalTimes(ramps)].map((t) => Math.round(t))).toEqual([
      0, 100, 200, 300, 400, 500, 600, 700, 800, 900,
    ]);
    expect(totalArrivals(ramps)).toBe(10);
  });

  it('a ramp from 0 to 100/s over 2 s holds 100 arrivals, a quarter of them in its first half', () => {
    const ramps = rampsOf(spec([{ duration: 2, rate: 100 }], 0));
    const times = [...arrivalTimes(ramps)];
    expect(times).toHaveLength(100);
    expect(times.filter((t) => t < 1000)).toHaveLength(25);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1] ?? -1);
    expect(times.at(-1)).toBeLessThan(2000);
  });

  it('stages follow one another, a ramp down included, and rates may be per minute', () => {
    const ramps = rampsOf(
      spec([
        { duration: '1s', rate: 20 },
        { duration: '1s', rate: 0 },
      ]),
    );
    const times = [...arrivalTimes(ramps)];
    // 20 in the first second, then the area of a ramp from 20 to 0 over 1 s: 10.
    expect(times).toHaveLength(30);
    expect(times.filter((t) => t >= 1000 && t < 1500).length).toBeGreaterThan(times.filter((t) => t >= 1500).length);
    expect(totalArrivals(rampsOf(spec([{ duration: '2m', rate: 30 }], undefined, 'm')))).toBe(60);
  });
});

describe('workload mix', () => {
  it('weights 3 and 1 interleave evenly and deterministically', () => {
    const mix = new WorkloadMix([3, 1]);
    const picks = Array.from({ length: 8 }, () => mix.next());
    expect(picks).toEqual([0, 0, 1, 0, 0, 0, 1, 0]);
  });
});
