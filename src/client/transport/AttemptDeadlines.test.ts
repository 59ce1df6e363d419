import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { AttemptDeadlines, type Expirable } from './AttemptDeadlines.js';

function attempt(name: string, inMs: number, expired: string[]): Expirable {
  return { deadline: performance.now() + inMs, slot: -1, expire: () => expired.push(name) };
}

describe('AttemptDeadlines', () => {
  it('expires each attempt past its deadline, in deadline order, and none that ended first', async () => {
    const deadlines = new AttemptDeadlines();
    const expired: string[] = [];
    const late = attempt('late', 80, expired);
    const ended = attempt('ended', 20, expired);
    const early = attempt('early', 30, expired);
    const never = attempt('never', 60_000, expired);
    for (const a of [late, ended, early, never]) deadlines.add(a);
    expect(deadlines.size).toBe(4);
    deadlines.delete(ended);
    expect(ended.slot).toBe(-1);
    await sleep(50);
    expect(expired).toEqual(['early']);
    await sleep(60);
    expect(expired).toEqual(['early', 'late']);
    expect(deadlines.size).toBe(1);
    deadlines.delete(never);
    expect(deadlines.size).toBe(0);
  });

  it('reuses the slots of ended attempts, so its array stays as long as the most ever in flight', () => {
    const deadlines = new AttemptDeadlines();
    const expired: string[] = [];
    const slots = new Set<number>();
    for (let round = 0; round < 100; round++) {
      const batch = [0, 1, 2].map((i) => attempt(`a${i}`, 60_000, expired));
      for (const a of batch) deadlines.add(a);
      for (const a of batch) slots.add(a.slot);
      for (const a of batch) deadlines.delete(a);
    }
    expect([...slots].sort()).toEqual([0, 1, 2]);
    expect(deadlines.size).toBe(0);
    expect(expired).toEqual([]);
  });

  it('adding or deleting an attempt twice changes nothing', async () => {
    const deadlines = new AttemptDeadlines();
    const expired: string[] = [];
    const a = attempt('a', 10, expired);
    deadlines.add(a);
    deadlines.add(a);
    expect(deadlines.size).toBe(1);
    await sleep(40);
    expect(expired).toEqual(['a']);
    deadlines.delete(a);
    expect(deadlines.size).toBe(0);
  });
});
