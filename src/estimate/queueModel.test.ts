import { describe, expect, it } from 'vitest';
import { throughputPerMs, type QueueInput } from './queueModel.js';

const base: QueueInput = {
  clients: 1,
  delayMs: 10,
  serviceMs: 40,
  servers: Number.POSITIVE_INFINITY,
  serializedFraction: 0,
  cpuMs: 0,
  cores: 2,
};

describe('throughputPerMs (mean value analysis)', () => {
  it('one client: one request per round trip plus service', () => {
    expect(throughputPerMs(base)).toBeCloseTo(1 / 50, 10);
  });

  it('unlimited servers scale with clients; a capacity of 4 holds throughput at 4 / service past the knee', () => {
    expect(throughputPerMs({ ...base, clients: 8 })).toBeCloseTo(8 / 50, 10);
    const capped = throughputPerMs({ ...base, clients: 64, servers: 4 });
    expect(capped).toBeLessThanOrEqual(4 / 40);
    expect(capped).toBeGreaterThan(0.95 * (4 / 40));
    // Near the knee the queue costs something: less than both bounds' minimum.
    expect(throughputPerMs({ ...base, clients: 5, servers: 4 })).toBeLessThan(Math.min(5 / 50, 4 / 40));
  });

  it('the serialized share caps throughput at 1 / (f × service), whatever the servers', () => {
    const x = throughputPerMs({ ...base, clients: 64, serializedFraction: 0.5 });
    expect(x).toBeLessThanOrEqual(1 / 20);
    expect(x).toBeGreaterThan(0.95 / 20);
  });
});

describe('throughputPerMs with contention', () => {
  it('falls past the knee as the requests at the org stretch each other, and matches κ = 0 with one client', () => {
    const capped = { ...base, servers: 4 };
    expect(throughputPerMs({ ...capped, contention: 0.05 })).toBeCloseTo(1 / 50, 10);
    const at8 = throughputPerMs({ ...capped, clients: 8, contention: 0.05 });
    const at32 = throughputPerMs({ ...capped, clients: 32, contention: 0.05 });
    expect(at32).toBeLessThan(at8 * 0.6);
    // About 31 requests wait at the org: each service takes 40 × (1 + 0.05 × 30) ≈ 100 ms.
    expect(at32).toBeGreaterThan(4 / (40 * (1 + 0.05 * 31)));
    expect(at32).toBeLessThan(4 / (40 * (1 + 0.05 * 28)));
  });
});
