import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TopK } from './TopK.js';

describe('TopK', () => {
  it('keeps exactly the k smallest, in order, for any input', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer({ min: 0, max: 20 }), (xs, k) => {
        const top = new TopK<number>(k, (a, b) => a - b);
        for (const x of xs) top.offer(x);
        expect(top.sorted()).toEqual([...xs].sort((a, b) => a - b).slice(0, k));
      }),
      { numRuns: 500 },
    );
  });

  it('names its largest kept item only once it is full, and that item is the k-th smallest so far', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer({ min: 1, max: 20 }), (xs, k) => {
        const top = new TopK<number>(k, (a, b) => a - b);
        xs.forEach((x, i) => {
          top.offer(x);
          const seen = xs.slice(0, i + 1).sort((a, b) => a - b);
          expect(top.largest()).toBe(seen.length < k ? undefined : seen[k - 1]);
        });
      }),
      { numRuns: 300 },
    );
  });
});
