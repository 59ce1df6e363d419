import { describe, expect, it } from 'vitest';
import { profileSchema } from '../../mock-server/index.js';
import { bootstrapCosts } from '../../src/calibrate/bootstrapCosts.js';
import { compareFigures } from '../../src/calibrate/checkProfile.js';
import { contentionFor, fitContention } from '../../src/calibrate/chooseScaling.js';
import { emptySamples, type CostSamples } from '../../src/calibrate/CostSamples.js';
import { fitCosts } from '../../src/calibrate/fitCosts.js';
import { sweepOpsFor } from '../../src/calibrate/sweepConcurrency.js';
import { validationRecordsWithin, validationRequests, validationWarmup } from '../../src/calibrate/validateProfile.js';
import { profileUncertainty } from '../../src/calibrate/profileUncertainty.js';
import { formatWithInterval, predictionInterval } from '../../src/metrics/predictionInterval.js';
import { createPrng } from '../../util/createPrng.js';

/** `n` lognormal draws around `median` (spread `sigma`), seeded: a probe's samples. */
function draws(n: number, median: number, sigma: number, seed: number): number[] {
  const prng = createPrng(seed);
  return Array.from({ length: n }, () => {
    const z = Math.sqrt(-2 * Math.log(1 - prng.next())) * Math.cos(2 * Math.PI * prng.next());
    return median * Math.exp(sigma * z);
  });
}

function samples(n: number, createMs: number): CostSamples {
  return { ...emptySamples(), roundTrip: draws(n, 5, 0.05, 1), create: draws(n, 5 + createMs, 0.2, 2) };
}

describe('bootstrapCosts: each figure with the interval its samples allow', () => {
  it('brackets the fitted value, and narrows as samples grow', () => {
    const local = { ...emptySamples(), roundTrip: draws(30, 0.3, 0.1, 3), create: draws(30, 0.6, 0.1, 4) };
    const few = bootstrapCosts(samples(10, 40), local);
    const many = bootstrapCosts(samples(160, 40), local);
    const [lo, hi] = many['latency.create.baseMs'] ?? [0, 0];
    expect(lo).toBeLessThan(40);
    expect(hi).toBeGreaterThan(40);
    const width = (r: readonly number[] | undefined) => Math.log((r?.[1] ?? 1) / (r?.[0] ?? 1));
    expect(width(many['latency.create.baseMs'])).toBeLessThan(width(few['latency.create.baseMs']) * 0.6);
    expect(Object.keys(many).sort()).toEqual(['latency.create.baseMs', 'latency.roundTripMs']);
  });

  it('is the same for the same samples (seeded)', () => {
    const s = samples(20, 30);
    expect(bootstrapCosts(s, emptySamples())).toEqual(bootstrapCosts(s, emptySamples()));
  });
});

describe('profileUncertainty and predictionInterval', () => {
  const row = (strategy: string, predicted: number, measured: number) => ({
    strategy,
    predictedOpsPerSec: predicted,
    measuredOpsPerSec: measured,
    errorPercent: ((predicted - measured) / measured) * 100,
  });

  it("takes the held-out errors' root mean square in ln, bias included, over as many degrees of freedom", () => {
    const u = profileUncertainty([row('a', 110, 100), row('b', 100, 110), row('c', 100, 100), row('d', 110, 100)], {});
    expect(u.basis).toBe('validation');
    expect(u.degreesOfFreedom).toBe(4);
    expect(u.predictionLogSd).toBeCloseTo(Math.sqrt((3 * Math.log(1.1) ** 2) / 4), 4);
    // 90% with 4 degrees of freedom: t = 2.132.
    const { low, high } = predictionInterval(100, u);
    expect(high).toBeCloseTo(100 * Math.exp(2.132 * u.predictionLogSd), 6);
    expect(low * high).toBeCloseTo(100 * 100, 6);
    expect(formatWithInterval(23.14, { low: 21.4, high: 24.94 })).toBe('23.1 (21.4–24.9)');
  });

  it('without validation, the widest main figure sets it, never under 5%', () => {
    const tight = profileUncertainty([], { 'latency.create.baseMs': [39, 41] });
    expect(tight).toMatchObject({ basis: 'figures', predictionLogSd: 0.05, degreesOfFreedom: 30 });
    const wide = profileUncertainty([row('only', 1, 1)], { 'latency.read.baseMs': [10, 20] });
    expect(wide.predictionLogSd).toBeCloseTo(Math.log(2) / (2 * 1.645), 3);
  });
});

describe("fitCosts: a $batch's overhead", () => {
  it("takes the changeset probe's plain $batches of one create as more samples of size one", () => {
    const org = emptySamples();
    org.roundTrip = [10, 10, 10];
    org.batchKind = 'create';
    // Six size-one samples say 50 ms; thirty plain $batches of one say 40: the overhead follows the thirty-six.
    org.batch = [
      { size: 1, ms: [50, 50, 50, 50, 50, 50] },
      { size: 25, ms: [530, 530, 530] },
    ];
    org.changeset = { plain: Array.from({ length: 30 }, () => 40), inChangeset: Array.from({ length: 30 }, () => 52) };
    const fitted = fitCosts(org, emptySamples());
    // Slope (530 − 40) ÷ 24 = 20.4 an item; intercept 40 − 20.4 = 19.6, less the 10 ms round trip.
    expect(fitted.batchItem?.baseMs).toBe(20.42);
    expect(fitted.batch?.baseMs).toBe(9.58);
    expect(fitted.changeset?.baseMs).toBe(12);
    // A $batch of reads is another request: its size one is left alone.
    org.batchKind = 'read';
    expect(fitCosts(org, emptySamples()).batch?.baseMs).toBe(20);
  });
});

describe('fitContention: the slope past the peak', () => {
  // X(N) = P / (1 + κ(N − 1)) past a peak at 8, with no round trip: P = 100, κ = 0.02.
  const falling = [1, 2, 4, 8, 16, 32].map((workers) => ({
    workers,
    ops: 20,
    opsPerSec: workers < 8 ? workers * 12 : 100 / (1 + 0.02 * (workers - 1)),
    throttled: 0,
  }));

  it('recovers κ and the uncontended plateau from points that fall', () => {
    const fit = fitContention(falling, 0);
    expect(fit?.contention).toBeCloseTo(0.02, 3);
    expect(fit?.plateau).toBeCloseTo(100, 0);
  });

  it('leaves out a peak that reads under the saturated line when two points lie beyond it', () => {
    // Slots left idle at the knee: the peak 8% under P / (1 + κ(n − 1)); the points past it on the line.
    const softKnee = falling.map((p) => (p.workers === 8 ? { ...p, opsPerSec: p.opsPerSec * 0.92 } : p));
    const fit = fitContention(softKnee, 0);
    expect(fit?.contention).toBeCloseTo(0.02, 3);
    expect(fit?.plateau).toBeCloseTo(100, 0);
  });

  it('fits κ again for a plateau it is given: the one a whole capacity per web server sets', () => {
    // On the true plateau, the true κ; on a plateau a fifth higher, a larger κ to fall as far.
    expect(contentionFor(falling, 0, 100)).toBeCloseTo(0.02, 4);
    const higher = contentionFor(falling, 0, 120) ?? 0;
    expect(higher).toBeGreaterThan(0.025);
    // Past the peak, P / X − 1 = κ(n − 1) at 16 and 32 with P = 120: (0.2 + 1.2 · 0.02 · (n − 1)) / (n − 1).
    const expected = (15 * (0.2 + 1.2 * 0.02 * 15) + 31 * (0.2 + 1.2 * 0.02 * 31)) / (15 ** 2 + 31 ** 2);
    expect(higher).toBeCloseTo(expected, 4);
  });

  it('sees no contention on a level plateau, or a fall within 7% (noise)', () => {
    const level = falling.map((p) => ({ ...p, opsPerSec: Math.min(p.workers * 12, 90 + (p.workers % 3)) }));
    expect(fitContention(level, 0)).toBeUndefined();
    expect(fitContention(falling.slice(0, 4), 0)).toBeUndefined();
  });
});

describe('sweepOpsFor: how many operations a sweep point needs', () => {
  it('keeps 20 on an org whose calls vary little, and raises it with their spread, up to 80', () => {
    expect(sweepOpsFor([30, 31, 29, 30, 32, 28])).toBe(20);
    // Mean 60, sample sd √(8 · 15² / 7) = 16.04, cv 0.267: (0.267 / 0.04)² = 44.6, so 45.
    expect(sweepOpsFor([45, 75, 45, 75, 45, 75, 45, 75])).toBe(45);
    expect(sweepOpsFor([10, 200, 10, 200])).toBe(80);
    expect(sweepOpsFor([10, 200])).toBe(20);
  });
});

describe('compareFigures: drift, figure by figure', () => {
  const profile = profileSchema.parse({
    profile: {
      name: 'p',
      version: 1,
      source: 'test',
      createdAt: '2026-12-04',
      measuredOn: 'https://org.example',
      uncertainty: {
        confidence: 0.9,
        figures: { 'latency.create.baseMs': [36, 44], 'latency.roundTripMs': [9, 11] },
        predictionLogSd: 0.05,
        degreesOfFreedom: 7,
        basis: 'validation',
      },
    },
    mock: {
      latency: {
        roundTripMs: 10,
        read: { baseMs: 8 },
        create: { baseMs: 40 },
        batch: { baseMs: 15 },
        batchItem: { baseMs: 10 },
        perRecordMs: 0.05,
      },
    },
  });

  it('says NO when a change is past both intervals and moves its cheapest call by more than 15%', () => {
    const now = new Map([
      ['latency.create.baseMs', 44],
      ['latency.roundTripMs', 16],
      ['latency.read.baseMs', 9.5],
      ['latency.batch.baseMs', 11.5],
      ['latency.batchItem.baseMs', 30],
      ['latency.perRecordMs', 0.9],
    ]);
    const rows = compareFigures(profile, now, { 'latency.create.baseMs': [41, 47], 'latency.roundTripMs': [15, 17] });
    expect(rows.map((r) => [r.figure, r.holds, r.changePercent, r.callMs])).toEqual([
      // Moves a 50 ms create by 8%.
      ['latency.create.baseMs', true, 10, 50],
      // 6 ms more on every call: a third of an 18 ms retrieve, and past both intervals.
      ['latency.roundTripMs', false, 60, 18],
      // 19% of the figure, but 1.5 ms of an 18 ms retrieve: what two sessions on one org differ by.
      ['latency.read.baseMs', true, 18.8, 18],
      ['latency.batch.baseMs', true, -23.3, 35],
      // Three times dearer items: 20 ms more on a 35 ms `$batch` of one.
      ['latency.batchItem.baseMs', false, 200, 35],
      // 0.85 ms more a record is 42 ms more on a page of 50.
      ['latency.perRecordMs', false, 1700, 20.5],
    ]);
  });

  it('lets the intervals allow more than 15% of the call, when they are that wide', () => {
    const now = new Map([['latency.create.baseMs', 52]]);
    // 12 ms on a 50 ms create (24%), with intervals of ±25% and ±20%: within them.
    const wide = profileSchema.parse({
      ...profile,
      profile: {
        ...profile.profile,
        uncertainty: { ...profile.profile.uncertainty, figures: { 'latency.create.baseMs': [30, 50] } },
      },
    });
    expect(compareFigures(wide, now, { 'latency.create.baseMs': [43, 62] })[0]?.holds).toBe(true);
    expect(compareFigures(profile, now, { 'latency.create.baseMs': [51, 53] })[0]?.holds).toBe(false);
  });
});

describe('scenarioTables and fitTables: what a job touches, against account', () => {
  it('lists each table with the kinds its workloads use; scripts are unknown', async () => {
    const { parseScenarioText } = await import('../../src/scenario/loadScenario.js');
    const { scenarioTables } = await import('../../src/calibrate/scenarioTables.js');
    const loaded = parseScenarioText(
      `name: t
workloads:
  - { kind: insert, table: contact, count: 2, values: { lastname: "x{i}" } }
  - { kind: mixed, table: account, count: 4, weights: { read: 1, update: 1 } }
  - { kind: transactional, count: 1 }
strategies: [sequential]
`,
      't.yaml',
    );
    const { tables, unknown } = scenarioTables(loaded.scenario);
    expect([...tables].map(([t, k]) => [t, [...k]])).toEqual([
      ['contact', ['create']],
      ['account', ['read', 'update']],
      ['quote', ['create']],
      ['quotedetail', ['create']],
    ]);
    expect(unknown).toEqual([]);
  });

  it('a table dear to read gets a multiplier; a write dearer still gets the difference as a plug-in', async () => {
    const { fitTables } = await import('../../src/calibrate/fitTables.js');
    const flat = (n: number, ms: number) => Array.from({ length: n }, () => ms);
    const account = {
      roundTripMs: 0,
      read: { baseMs: 10, distribution: 'none' as const },
      create: { baseMs: 20, distribution: 'none' as const },
    };
    const fitted = fitTables(
      [
        { table: 'contact', samples: { read: flat(10, 10), create: flat(10, 80) } },
        { table: 'lead', samples: { read: flat(10, 30), create: flat(10, 60) } },
      ],
      account,
      emptySamples(),
    );
    expect(fitted.multipliers).toEqual({ lead: 3 });
    expect(fitted.plugins).toEqual([
      { name: 'measured by calibrate: contact create', table: 'contact', messages: ['create'], ms: 60 },
    ]);
    expect(fitted.measured).toEqual([
      'tables.contact.read',
      'tables.contact.create',
      'tables.lead.read',
      'tables.lead.create',
    ]);
  });
});

describe('the validation budget: a short warm-up, one measured repetition on the org', () => {
  it('counts the org requests of both repetitions, cleanup and audit included', () => {
    expect(validationWarmup(200, 6)).toBe(40);
    expect(validationWarmup(200, 20)).toBe(60);
    expect(validationWarmup(30, 6)).toBe(30);
    // 200 records: 5 single-request strategies (1000), 4 $batches of 50, 2 bulk of 100, 14
    // $batches of deletes = 1020; its warm-up of 40: 200 + 1 + 1 + 7 = 209; audit 14; 10 spare.
    expect(validationRequests(200, true, 6)).toBe(1253);
    expect(validationRequests(200, false, 6)).toBe(804 + 161 + 10);
    expect(validationRecordsWithin(1253, true, 500, 6)).toBe(200);
    expect(validationRecordsWithin(1252, true, 500, 6)).toBe(199);
    // Six records: 39 requests a repetition, twice, 7 audit, 10 spare = 95; seven need 105.
    expect(validationRecordsWithin(100, true, 500, 6)).toBe(6);
  });
});
