import { describe, expect, it } from 'vitest';
import { mean, median, summarize, variance } from './statistics.js';

describe('statistics', () => {
  it('computes reference values', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).toBe(5);
    expect(median(xs)).toBe(4.5);
    expect(variance(xs)).toBeCloseTo(4.571428571, 8);
  });

  it('gives a t-based 95% confidence interval of the mean', () => {
    // n = 5, mean 10, sd = 1.5811; t(4) = 2.776 → half-width 1.9630.
    const s = summarize([8, 9, 10, 11, 12]);
    expect(s.mean).toBe(10);
    expect(s.ci95[0]).toBeCloseTo(8.037, 3);
    expect(s.ci95[1]).toBeCloseTo(11.963, 3);
    expect(summarize([7]).ci95).toEqual([7, 7]);
  });
});
