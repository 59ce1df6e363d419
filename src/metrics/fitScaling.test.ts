import { describe, expect, it } from 'vitest';
import { fitScaling, kneeBracket, refinement } from './fitScaling.js';
import { uslThroughput } from './fitUsl.js';

const at = (ns: readonly number[], x: (n: number) => number) => ns.map((n) => ({ workers: n, throughput: x(n) }));

describe('fitScaling', () => {
  it('a server linear to capacity 8 and flat after is a bound with its knee at 8, not a USL peak far past it', () => {
    // Small, fixed "noise" so the fit is not trivially exact.
    const noise = [1.01, 0.99, 1.0, 0.98, 1.01, 0.99, 1.0];
    const points = at([1, 2, 4, 8, 10, 12, 16], (n) => Math.min(10 * n, 80)).map((p, i) => ({
      ...p,
      throughput: p.throughput * (noise[i] ?? 1),
    }));
    const fit = fitScaling(points)!;
    expect(fit.model).toBe('bound');
    expect(fit.knee).toBeGreaterThan(7.5);
    expect(fit.knee).toBeLessThan(8.5);
    expect(fit.kneeRange).toEqual([8, 8]);
    expect(fit.bound.r2).toBeGreaterThan(0.99);
  });

  it('a curve that peaks and falls is the USL, with its knee at the peak', () => {
    const usl = { lambda: 10, sigma: 0.05, kappa: 0.01 };
    const fit = fitScaling(at([1, 2, 4, 8, 12, 16, 32], (n) => uslThroughput(usl, n)))!;
    expect(fit.model).toBe('usl');
    expect(fit.knee).toBeCloseTo(Math.sqrt(0.95 / 0.01), 0);
  });

  it('fewer than three points give no fit', () => {
    expect(fitScaling(at([1, 2], (n) => n))).toBeNull();
  });
});

describe('refining the sweep around the knee', () => {
  it('finds the first doubling that gains less than three quarters of linear', () => {
    expect(kneeBracket(at([1, 2, 4, 8, 16], (n) => Math.min(10 * n, 80)))).toEqual([8, 16]);
    expect(kneeBracket(at([1, 2, 4, 8], (n) => 10 * n))).toBeUndefined();
  });

  it('adds at most three worker counts inside the bracket, none already measured', () => {
    expect(refinement(at([1, 2, 4, 8, 16], (n) => Math.min(10 * n, 80)))).toEqual([10, 12, 14]);
    expect(refinement(at([1, 2, 4], (n) => Math.min(10 * n, 20)))).toEqual([3]);
    expect(refinement(at([1, 2, 3, 4], (n) => Math.min(10 * n, 20)))).toEqual([]);
  });
});
