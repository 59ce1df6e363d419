import { describe, expect, it } from 'vitest';
import { startBarrier } from './startBarrier.js';

describe('startBarrier', () => {
  it('starts once every member arrived, ready or gone, and counts a member once (repro 27: one killed while starting)', () => {
    let started = 0;
    const barrier = startBarrier(3, () => started++);
    const [a, b, c] = [barrier.member(), barrier.member(), barrier.member()];
    a();
    a();
    b();
    expect(started).toBe(0);
    // The third dies before it is ready: its exit arrives for it, and the two others go.
    c();
    expect(started).toBe(1);
    c();
    b();
    expect(started).toBe(1);
  });
});
