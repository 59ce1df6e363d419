import { describe, expect, it } from 'vitest';
import { formatLeft, RunEta } from './RunEta.js';

describe('RunEta', () => {
  it('counts the remaining repetitions at their estimates, corrected by how the finished ones compared', () => {
    const eta = new RunEta(
      [
        { name: 'sequential', repetitionMs: 10_000 },
        { name: 'async:4', repetitionMs: 3_000 },
      ],
      2,
    );
    expect(eta.remainingMs()).toBe(26_000);
    // The first took 12 s against 10 s estimated: the rest is scaled by 1.2.
    eta.finished('sequential', 12_000);
    expect(eta.remainingMs()).toBeCloseTo(16_000 * 1.2, 6);
    eta.finished('sequential', 12_000);
    eta.finished('async:4', 3_000);
    expect(eta.remainingMs()).toBeCloseTo(3_000 * (27_000 / 23_000), 6);
    eta.finished('async:4', 3_000);
    expect(eta.remainingMs()).toBe(0);
    // The work around each repetition (reset, audit, workers starting) is added as estimated, not scaled.
    const withOverhead = new RunEta([{ name: 'processes:4', repetitionMs: 2_000, overheadMs: 1_500 }], 2);
    withOverhead.finished('processes:4', 4_000);
    expect(withOverhead.remainingMs()).toBe(2_000 * 2 + 1_500);
    expect(formatLeft(75_000)).toBe('about 75 s left');
    expect(formatLeft(300_000)).toBe('about 5.0 min left');
  });
});
