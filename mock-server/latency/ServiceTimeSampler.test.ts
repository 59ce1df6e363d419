import { describe, expect, it } from 'vitest';
import { parseMockConfig } from '../config/parseMockConfig.js';
import { ServiceTimeSampler } from './ServiceTimeSampler.js';

function sequence(seed: number, distribution: 'lognormal' | 'uniform' | 'exponential' | 'none'): number[] {
  const sampler = new ServiceTimeSampler(
    parseMockConfig({ seed, latency: { default: { baseMs: 20, distribution, spreadMs: 5 }, perRecordMs: 0.5 } }),
  );
  return Array.from({ length: 200 }, () => sampler.serviceTime([{ kind: 'read' }]));
}

describe('ServiceTimeSampler', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(sequence(1, 'lognormal')).toEqual(sequence(1, 'lognormal'));
    expect(sequence(2, 'lognormal')).not.toEqual(sequence(1, 'lognormal'));
  });

  it('lognormal has the base as its median; uniform stays within ± spread; exponential never goes below base', () => {
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length / 2]!;
    expect(median(sequence(1, 'lognormal'))).toBeGreaterThan(17);
    expect(median(sequence(1, 'lognormal'))).toBeLessThan(23);
    expect(sequence(1, 'uniform').every((x) => x >= 15 && x <= 25)).toBe(true);
    expect(sequence(1, 'exponential').every((x) => x >= 20)).toBe(true);
    expect(sequence(1, 'none').every((x) => x === 20)).toBe(true);
  });

  it("adds the per-record cost and sums a batch's operations, using batchItem inside batches", () => {
    const sampler = new ServiceTimeSampler(
      parseMockConfig({
        latency: {
          default: { baseMs: 10, distribution: 'none' },
          batchItem: { baseMs: 2, distribution: 'none' },
          perRecordMs: 0.1,
        },
      }),
    );
    expect(sampler.serviceTime([{ kind: 'read', records: 50 }])).toBeCloseTo(15);
    expect(
      sampler.serviceTime([
        { kind: 'batch' },
        ...Array.from({ length: 10 }, () => ({ kind: 'create' as const, inBatch: true })),
      ]),
    ).toBeCloseTo(30);
  });
});
