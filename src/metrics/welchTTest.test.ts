import { describe, expect, it } from 'vitest';
import { incompleteBeta, welchTTest } from './welchTTest.js';

describe('welchTTest', () => {
  it('matches reference values', () => {
    // t and df by the textbook formulas; p by numerically integrating Student's t density (Simpson, 2e6 steps).
    const r = welchTTest([19.1, 20.4, 21.3, 19.8, 20.6], [22.3, 21.9, 23.4, 22.8, 23.1]);
    expect(r.t).toBeCloseTo(-5.347826, 5);
    expect(r.df).toBeCloseTo(7.298526, 5);
    expect(r.p).toBeCloseTo(0.00093077, 6);
    // 95% CI of the difference: t(7) = 2.365 × √(va + vb), df 7.30 rounded down so never narrower.
    expect(r.diff).toBeCloseTo(-2.46, 10);
    expect(r.halfWidth95).toBeCloseTo(2.365 * Math.sqrt(0.693 / 5 + 0.365 / 5), 3);
  });

  it('gives p near 1 for equal samples and NaN with fewer than two values', () => {
    expect(welchTTest([1, 2, 3], [1, 2, 3]).p).toBeCloseTo(1, 10);
    expect(welchTTest([1], [1, 2]).p).toBeNaN();
  });

  it('computes the regularized incomplete beta function', () => {
    expect(incompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 10);
    expect(incompleteBeta(0.2, 1, 1)).toBeCloseTo(0.2, 10);
    expect(incompleteBeta(0.3, 2, 5)).toBeCloseTo(0.579825, 5);
  });
});
