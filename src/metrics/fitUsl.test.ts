import { describe, expect, it } from 'vitest';
import { createPrng } from '../../util/createPrng.js';
import { fitUsl, uslThroughput } from './fitUsl.js';

describe('fitUsl', () => {
  it('recovers σ and κ within 10% from synthetic data', () => {
    const truth = { lambda: 120, sigma: 0.06, kappa: 0.002 };
    const points = [1, 2, 4, 8, 16, 32, 64].map((workers) => ({ workers, throughput: uslThroughput(truth, workers) }));
    const fit = fitUsl(points);
    expect(fit.sigma).toBeGreaterThan(truth.sigma * 0.9);
    expect(fit.sigma).toBeLessThan(truth.sigma * 1.1);
    expect(fit.kappa).toBeGreaterThan(truth.kappa * 0.9);
    expect(fit.kappa).toBeLessThan(truth.kappa * 1.1);
    expect(fit.r2).toBeGreaterThan(0.999);
    expect(fit.peakWorkers).toBeCloseTo(Math.sqrt((1 - truth.sigma) / truth.kappa), 0);
  });

  it('stays within 10% with 1% measurement noise', () => {
    const truth = { lambda: 50, sigma: 0.1, kappa: 0.005 };
    const prng = createPrng(7);
    const points = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32].map((workers) => ({
      workers,
      throughput: uslThroughput(truth, workers) * (1 + (prng.next() - 0.5) * 0.02),
    }));
    const fit = fitUsl(points);
    expect(Math.abs(fit.sigma / truth.sigma - 1)).toBeLessThan(0.1);
    expect(Math.abs(fit.kappa / truth.kappa - 1)).toBeLessThan(0.1);
  });

  it('gives κ = 0 and an infinite peak for linear (Amdahl-only) data, and refuses fewer than three points', () => {
    const fit = fitUsl(
      [1, 2, 4, 8].map((workers) => ({
        workers,
        throughput: uslThroughput({ lambda: 10, sigma: 0.2, kappa: 0 }, workers),
      })),
    );
    expect(fit.kappa).toBeLessThan(1e-6);
    expect(fit.sigma).toBeCloseTo(0.2, 2);
    expect(() =>
      fitUsl([
        { workers: 1, throughput: 1 },
        { workers: 2, throughput: 2 },
      ]),
    ).toThrow('at least three');
  });
});
