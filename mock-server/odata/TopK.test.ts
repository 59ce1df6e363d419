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
});
