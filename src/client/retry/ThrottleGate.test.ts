import { describe, expect, it } from 'vitest';
import { ThrottleGate } from './ThrottleGate.js';

describe('ThrottleGate.isOpen', () => {
  it('is open until blocked, closed until the reopening time, open from then on', () => {
    let now = 5_000;
    const gate = new ThrottleGate({ now: () => now });
    expect(gate.isOpen).toBe(true);
    gate.block(now + 1_000);
    expect(gate.isOpen).toBe(false);
    now += 999;
    expect(gate.isOpen).toBe(false);
    now += 1;
    expect(gate.isOpen).toBe(true);
  });
});
