import { describe, expect, it } from 'vitest';
import { rampsOf } from '../scenario/arrivalSchedule.js';
import { DATAVERSE_LIMITS, limitWarnings, peakArrivals } from './limitWarnings.js';

describe('limitWarnings', () => {
  it('counts the most arrivals in any one window, over a ramp', () => {
    // 0 → 20/s over 100 s (1,000 arrivals), then 20/s for 100 s (2,000).
    const ramps = rampsOf({
      startRate: 0,
      timeUnit: 's',
      stages: [
        { duration: '100s', rate: 20 },
        { duration: '100s', rate: 20 },
      ],
    });
    expect(peakArrivals(ramps, 100_000)).toBe(2000);
    expect(peakArrivals(ramps, 300_000)).toBe(3000);
  });

  it('warns when maxInFlight passes 52 per user and when a window plans more than 6,000 per user', () => {
    const ramps = rampsOf({ timeUnit: 's', stages: [{ duration: '300s', rate: 25 }] });
    const warnings = limitWarnings({ maxInFlight: 60, ramps, identities: 1 }, DATAVERSE_LIMITS);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^maxInFlight 60 is above the 52 requests one user may have in progress at once/);
    expect(warnings[1]).toMatch(
      /^the stages plan up to 7,500 arrivals within 300 s, above the 6,000 requests one user/,
    );
    // Two identities double both limits: nothing to say.
    expect(limitWarnings({ maxInFlight: 60, ramps, identities: 2 }, DATAVERSE_LIMITS)).toEqual([]);
    expect(limitWarnings({ maxInFlight: 60, ramps, identities: 1 }, { ...DATAVERSE_LIMITS, enabled: false })).toEqual(
      [],
    );
  });
});
