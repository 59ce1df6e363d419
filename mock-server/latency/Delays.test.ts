import { describe, expect, it } from 'vitest';
import { Delays } from './Delays.js';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('Delays', () => {
  it('waits the org time divided by the scale, and over many sleeps the mean is what was asked', async () => {
    const delays = new Delays(10);
    const started = performance.now();
    // 40 sleeps of 3.5 ms real: truncated to 3 ms by the timer, each would come out short.
    for (let i = 0; i < 40; i++) await delays.wait(35);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThan(140 * 0.9);
    expect(elapsed).toBeLessThan(140 * 1.6);
  });

  it('has nothing to wait for at no cost, so a free request stays synchronous', () => {
    expect(new Delays(10).wait(0)).toBeUndefined();
    expect(new Delays(1).wait(0)).toBeUndefined();
  });

  it("gives back a connection's time on the client's side, less its N-th part, out of the next request's waits", async () => {
    const delays = new Delays(10);
    const connection = {};
    const first = delays.arrive(connection);
    // A connection's first request has nothing to give back.
    expect(first.creditMs).toBe(0);
    delays.answered(connection, first, 201);
    const answeredAt = performance.now();
    await pause(4);
    const gap = performance.now() - answeredAt;
    const second = delays.arrive(connection);
    // At least the gap this side saw, less its tenth; the mock's own work on the first adds to it.
    expect(second.creditMs).toBeGreaterThanOrEqual(gap * 0.9);
    expect(second.creditMs).toBeLessThan(40);
    const credit = second.creditMs;
    // 20 ms of the org's time is 2 ms here: the credit pays for it, as far as it goes.
    await delays.held(second, delays.wait(20, second));
    expect(second.creditUsedMs).toBeCloseTo(Math.min(credit, 2), 6);
    expect(second.creditMs).toBeCloseTo(Math.max(0, credit - 2), 6);
    const waited = delays.answered(connection, second, 200);
    expect(waited.realMs).toBe(second.heldMs);
    expect(waited.orgMs).toBeCloseTo((second.heldMs + second.creditUsedMs) * 10, 6);
  });

  it('gives nothing back after a 429 or a 5xx (the client waited for the org), or after a long idle gap', async () => {
    const delays = new Delays(10);
    const connection = {};
    delays.answered(connection, delays.arrive(connection), 429);
    await pause(2);
    expect(delays.arrive(connection).creditMs).toBe(0);
    delays.answered(connection, delays.arrive(connection), 503);
    expect(delays.arrive(connection).creditMs).toBe(0);
    delays.answered(connection, delays.arrive(connection), 200);
    await pause(80);
    expect(delays.arrive(connection).creditMs).toBe(0);
    // A client that says it waited before sending (a retry after its backoff) gets nothing back either.
    delays.answered(connection, delays.arrive(connection), 200);
    await pause(2);
    expect(delays.arrive(connection, true).creditMs).toBe(0);
  });

  it('in real time gives no credit and leaves a wait as it is', () => {
    const delays = new Delays(1);
    const connection = {};
    delays.answered(connection, delays.arrive(connection), 200);
    const ledger = delays.arrive(connection);
    expect(ledger.creditMs).toBe(0);
    const wait = delays.wait(1);
    expect(delays.held(ledger, wait)).toBe(wait);
  });
});
