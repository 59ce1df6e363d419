import { describe, expect, it } from 'vitest';
import { emptySamples } from '../../src/calibrate/CostSamples.js';
import { ProbeBudget } from '../../src/calibrate/ProbeBudget.js';
import { ProbeRecords } from '../../src/calibrate/ProbeRecords.js';
import { CostProbe, samplesFor } from '../../src/calibrate/probeCosts.js';
import { startLocalMock } from '../../src/calibrate/startLocalMock.js';

const PLAN = { samples: 30, mostSamples: 90, sizes: [1, 5], sizeRepeats: 2, writes: true };

/** The probe against a local mock with these latencies; the calls it kept per kind, and the requests it sent. */
async function probe(latency: Record<string, unknown>, maxRequests = Infinity) {
  const org = await startLocalMock({ profile: 'zero', seed: 3, latency }, 50);
  const records = new ProbeRecords(org.client);
  try {
    const budget = new ProbeBudget({ maxRequests, maxMs: Infinity, minHeadroom: 0 });
    budget.track(org.client);
    const samples = emptySamples();
    await new CostProbe(org.client, records, budget, PLAN).run(samples);
    return { samples, requests: budget.requests };
  } finally {
    await records.deleteAll();
    await org.stop();
  }
}

describe('samplesFor: calls a kind needs for its mean within 4%', () => {
  it('keeps the fewest on steady calls and asks (cv ÷ 0.04)² of spread ones, up to the most', () => {
    expect(samplesFor([12, 12.2, 11.8, 12.1], 2, 30, 90)).toBe(30);
    // Less the 10 ms round trip: 20 and 40 in turns, mean 30, sample sd 10.69, cv 0.356: 79.4, so 80.
    expect(samplesFor([30, 50, 30, 50, 30, 50, 30, 50], 10, 30, 90)).toBe(80);
    expect(samplesFor([5, 100, 5, 100], 0, 30, 90)).toBe(90);
    expect(samplesFor([5, 100], 0, 30, 90)).toBe(30);
    // Calls no longer than the round trip: no service time to be precise about.
    expect(samplesFor([10, 10, 10], 12, 30, 90)).toBe(30);
  });
});

describe('CostProbe: more calls where an org spreads', () => {
  it('takes 30 of each kind on fixed costs, and more creates, retrieves and updates on long tails', async () => {
    // Long enough that this machine's own jitter (a millisecond or so) is no spread.
    const fixed = { baseMs: 25, distribution: 'none' };
    const steady = await probe({ create: fixed, read: fixed, update: fixed, upsert: fixed, delete: fixed });
    for (const kind of ['create', 'read', 'update', 'upsert', 'delete'] as const)
      expect(steady.samples[kind]).toHaveLength(30);

    const tail = { baseMs: 2, distribution: 'lognormal', sigma: 0.9 };
    const spread = await probe({ create: tail, read: tail, update: tail, upsert: tail, delete: tail });
    for (const kind of ['create', 'read', 'update'] as const) {
      expect(spread.samples[kind].length).toBeGreaterThan(30);
      expect(spread.samples[kind].length).toBeLessThanOrEqual(90);
    }
    // Upsert and delete keep the fixed count: the budget is spent on the kinds jobs are made of.
    expect(spread.samples.upsert).toHaveLength(30);
    expect(spread.samples.delete).toHaveLength(30);
  });

  it('spends at most a twentieth of what is left on extra calls', async () => {
    const tail = { baseMs: 2, distribution: 'lognormal', sigma: 0.9 };
    const { samples } = await probe({ create: tail, read: tail, update: tail }, 700);
    // Before the extra creates about 700 − 33 requests were left: 33 more at most.
    expect(samples.create.length).toBeGreaterThan(30);
    expect(samples.create.length).toBeLessThanOrEqual(30 + Math.floor(700 / 20));
  });
});
