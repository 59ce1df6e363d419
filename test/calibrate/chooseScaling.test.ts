import { describe, expect, it } from 'vitest';
import { chooseScaling, sweepOperation } from '../../src/calibrate/chooseScaling.js';
import { startLocalMock } from '../../src/calibrate/startLocalMock.js';
import { replaySweep } from '../../src/calibrate/sweepConcurrency.js';

const UPDATE = { baseMs: 30, distribution: 'none' } as const;
const WORKERS = [1, 2, 4, 8, 16, 24];
const ROUND_TRIP_MS = 20;

describe('chooseScaling: how the mock caps throughput', () => {
  it("sets a shape again when its replay falls short of the sweep's best, and keeps the closer", async () => {
    // An org with a tenth of each update serialized, 20 ms away: its limit is 1 ÷ 3 ms, and 24
    // workers reach under nine tenths of it, so a share fitted to the sweep's best alone is too large.
    const org = await startLocalMock(
      { profile: 'zero', latency: { roundTripMs: ROUND_TRIP_MS, update: UPDATE }, serializedFraction: 0.1 },
      100,
    );
    let measured;
    try {
      measured = await replaySweep(
        sweepOperation(org.client, org.ids, 'update'),
        WORKERS.map((workers) => ({ workers })),
      );
    } finally {
      await org.stop();
    }
    const best = Math.max(...measured.map((p) => p.opsPerSec));
    const choice = await chooseScaling(
      measured,
      { roundTripMs: ROUND_TRIP_MS, update: UPDATE },
      { spec: UPDATE, kind: 'update' },
      { dopHint: 8 },
    );
    const serialized = choice.candidates.filter((c) => c.name === 'serialized');
    expect(serialized).toHaveLength(2);
    const [first, again] = serialized;
    // The first share puts the limit at the sweep's best; set again, it is smaller, nearer 0.1.
    expect(again?.serializedFraction ?? 1).toBeLessThan(first?.serializedFraction ?? 0);
    expect(Math.abs((again?.serializedFraction ?? 0) - 0.1)).toBeLessThan(
      Math.abs((first?.serializedFraction ?? 0) - 0.1),
    );
    // Whichever shape is kept, its replay reaches the sweep's best within 10%.
    const replayedBest = Math.max(...choice.chosen.points.map((p) => p.opsPerSec));
    expect(replayedBest / best).toBeGreaterThan(0.9);
    expect(replayedBest / best).toBeLessThan(1.1);
    expect(choice.chosen.error).toBe(Math.min(...choice.candidates.map((c) => c.error ?? Infinity)));
  }, 60_000);
});
