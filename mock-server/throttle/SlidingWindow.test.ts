import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlidingWindow } from './SlidingWindow.js';

describe('SlidingWindow', () => {
  it('sums what is inside the window and forgets what left it', () => {
    const w = new SlidingWindow(1000, 10);
    w.add(0, 1);
    w.add(450, 2);
    expect(w.total(500)).toBe(3);
    expect(w.total(950)).toBe(3);
    expect(w.total(1050)).toBe(2);
    expect(w.total(1500)).toBe(0);
    w.add(5000, 4);
    expect(w.total(5000)).toBe(4);
  });

  it('tells how long until the total drops below a threshold', () => {
    const w = new SlidingWindow(1000, 10);
    w.add(0, 5);
    w.add(300, 5);
    // The first bucket (0–100 ms) leaves when the 1000–1100 ms bucket begins: 5 remain.
    expect(w.msUntilBelow(10, 400)).toBe(600);
    expect(w.msUntilBelow(100, 400)).toBe(0);
  });

  it('agrees with a naive recount for any sequence of adds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 5 })), { maxLength: 60 }),
        (steps) => {
          const w = new SlidingWindow(1000, 10);
          const log: [number, number][] = [];
          let now = 0;
          for (const [dt, v] of steps) {
            now += dt;
            w.add(now, v);
            log.push([now, v]);
            // An add counts while its 100 ms bucket is among the last ten, the current one included.
            const expected = log
              .filter(([t]) => Math.floor(t / 100) > Math.floor(now / 100) - 10)
              .reduce((a, [, x]) => a + x, 0);
            expect(w.total(now)).toBeCloseTo(expected, 9);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
