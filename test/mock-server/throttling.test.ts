import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { withMock, type MockHandle } from '../helpers/useMockServer.js';

describe('service protection limits', () => {
  it("every response carries the rate-limit headers in Dataverse's format and the dop hint", async () => {
    await withMock({ config: { dopHint: 7 } }, async (mock) => {
      const first = await mock.api('GET', 'WhoAmI');
      expect(first.headers['x-ms-ratelimit-burst-remaining-xrm-requests']).toBe('5999');
      expect(first.headers['x-ms-ratelimit-time-remaining-xrm-requests']).toMatch(/^1,\d{3}\.\d{2}$/);
      expect(first.headers['x-ms-dop-hint']).toBe('7');
      const second = await mock.api('GET', 'accounts');
      expect(second.headers['x-ms-ratelimit-burst-remaining-xrm-requests']).toBe('5998');
    });
  });

  it('the request-count limit trips at its threshold with 0x80072322, and recovers after the scaled window', async () => {
    // 300 s compressed 150× is a 2 s window.
    const config = { timeScale: 150, limits: { requestsPerWindow: 10, evaluationIntervalSeconds: 0 } };
    await withMock({ config }, async (mock) => {
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await mock.api('GET', 'WhoAmI')).status);
      expect(statuses).toEqual(Array(10).fill(200));
      const throttled = await mock.api('GET', 'WhoAmI');
      expect(throttled.status).toBe(429);
      expect(throttled.json.error).toEqual({
        code: '0x80072322',
        message: 'Number of requests exceeded the limit of 10 over time window of 300 seconds.',
      });
      expect(throttled.headers['retry-after']).toMatch(/^[12]$/);
      const waitMs = Number(throttled.headers['retry-after-ms']);
      expect(waitMs).toBeGreaterThan(0);
      expect(waitMs).toBeLessThanOrEqual(2000);
      await sleep(waitMs + 50);
      expect((await mock.api('GET', 'WhoAmI')).status).toBe(200);
    });
  });

  it('a burst can overshoot the request limit between evaluations, then blocks', async () => {
    const config = { timeScale: 150, limits: { requestsPerWindow: 10, evaluationIntervalSeconds: 30 } };
    await withMock({ config }, async (mock) => {
      const burst = await Promise.all(Array.from({ length: 25 }, () => mock.api('GET', 'WhoAmI')));
      const ok = burst.filter((r) => r.status === 200).length;
      expect(ok).toBeGreaterThan(10);
      await sleep(250);
      expect((await mock.api('GET', 'WhoAmI')).status).toBe(429);
    });
  });

  it("the execution-time limit trips with 0x80072321 and Dataverse's message", async () => {
    const config = {
      timeScale: 150,
      latency: { default: { baseMs: 40, distribution: 'none' as const } },
      // 30 ms of the org's execution time (0.2 ms compressed): the first 40 ms request uses it up.
      limits: { executionSecondsPerWindow: 0.03, evaluationIntervalSeconds: 0 },
    };
    await withMock({ config }, async (mock) => {
      expect((await mock.api('GET', 'WhoAmI')).status).toBe(200);
      const res = await mock.api('GET', 'WhoAmI');
      expect(res.status).toBe(429);
      expect(res.json.error).toEqual({
        code: '0x80072321',
        message:
          'Combined execution time of incoming requests exceeded limit of 30  milliseconds over time window of 300 seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.',
      });
      await sleep(Number(res.headers['retry-after-ms']) + 50);
      expect((await mock.api('GET', 'WhoAmI')).status).toBe(200);
    });
  });

  it('the concurrency limit trips at once: 70 concurrent calls at 300 ms, about 52 succeed, the rest get 0x80072326', async () => {
    const config = { latency: { default: { baseMs: 300, distribution: 'none' as const } } };
    await withMock({ config }, async (mock) => {
      const started = Date.now();
      const results = await Promise.all(Array.from({ length: 70 }, () => mock.api('GET', 'WhoAmI')));
      const ok = results.filter((r) => r.status === 200);
      const throttled = results.filter((r) => r.status === 429);
      expect(ok.length).toBeGreaterThanOrEqual(52);
      expect(ok.length).toBeLessThanOrEqual(60);
      expect(ok.length + throttled.length).toBe(70);
      for (const r of throttled) {
        expect(r.json.error).toEqual({
          code: '0x80072326',
          message: 'Number of concurrent requests exceeded the limit of 52.',
        });
        expect(r.headers['retry-after']).toBe('1');
      }
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      const stats = (await mock.raw('GET', '/_mock/stats')).json;
      expect(stats.throttling.throttledByCode['0x80072326']).toBe(throttled.length);
    });
  });

  it("limits are per user: a second identity is not throttled by the first one's traffic", async () => {
    const config = { timeScale: 150, limits: { requestsPerWindow: 3, evaluationIntervalSeconds: 0 } };
    await withMock({ config }, async (mock) => {
      for (let i = 0; i < 3; i++) await mock.api('GET', 'WhoAmI');
      expect((await mock.api('GET', 'WhoAmI')).status).toBe(429);
      const other = await mock.getToken('second-app', 'x');
      expect((await mock.api('GET', 'WhoAmI', { token: other })).status).toBe(200);
    });
  });

  it('a client that keeps sending while throttled gets a longer Retry-After', async () => {
    // A 1 s window (300 s / 300); each request sent while blocked adds 30 s / 300 = 100 ms.
    const config = {
      timeScale: 300,
      limits: { requestsPerWindow: 2, evaluationIntervalSeconds: 0, penaltySeconds: 30, maxRetryAfterSeconds: 3000 },
    };
    await withMock({ config }, async (mock) => {
      await mock.api('GET', 'WhoAmI');
      await mock.api('GET', 'WhoAmI');
      const waits: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await mock.api('GET', 'WhoAmI');
        expect(res.status).toBe(429);
        waits.push(Number(res.headers['retry-after-ms']));
      }
      for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThan(waits[i - 1]!);
      expect(waits[4]! - waits[0]!).toBeGreaterThan(300);
    });
  });

  it('the $batch cap answers "Server Busy" before any operation runs', async () => {
    const config = {
      latency: { default: { baseMs: 200, distribution: 'none' as const } },
      limits: { maxConcurrentBatches: 2 },
    };
    await withMock({ config }, async (mock) => {
      const send = () =>
        mock.api('POST', '$batch', {
          body: '--batch_x--\r\n',
          headers: { 'content-type': 'multipart/mixed; boundary=batch_x' },
        });
      const results = await Promise.all([send(), send(), send()]);
      const busy = results.filter((r) => r.status === 503);
      expect(busy).toHaveLength(1);
      expect(busy[0]!.json.error.message).toBe(
        'Server Busy: the number of concurrent $batch requests for this organization exceeded the limit of 2.',
      );
      expect((await mock.raw('GET', '/_mock/stats')).json.throttling.serverBusy).toBe(1);
    });
  });
});

describe('latency and capacity model', () => {
  async function timeConcurrent(mock: MockHandle, clients: number, perClient: number): Promise<number> {
    const start = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (let i = 0; i < perClient; i++) expect((await mock.api('GET', 'WhoAmI')).status).toBe(200);
      }),
    );
    return performance.now() - start;
  }

  it('N sequential requests with a fixed latency L take about N·L', async () => {
    await withMock({ config: { latency: { default: { baseMs: 25, distribution: 'none' } } } }, async (mock) => {
      const ms = await timeConcurrent(mock, 1, 20);
      expect(ms).toBeGreaterThanOrEqual(20 * 25 * 0.95);
      expect(ms).toBeLessThan(20 * 25 * 2);
    });
  });

  it('throughput grows with clients up to the capacity C, then stops growing', async () => {
    const config = { capacity: 4, latency: { default: { baseMs: 40, distribution: 'none' as const } } };
    await withMock({ config }, async (mock) => {
      const total = 32;
      const one = total / (await timeConcurrent(mock, 1, total));
      const four = total / (await timeConcurrent(mock, 4, total / 4));
      const sixteen = total / (await timeConcurrent(mock, 16, total / 16));
      expect(four / one).toBeGreaterThan(2.5);
      expect(sixteen / four).toBeLessThan(1.3);
      expect((await mock.raw('GET', '/_mock/stats')).json.server.queuePeak).toBeGreaterThanOrEqual(10);
    });
  });

  it("a serialized fraction bends the curve as Amdahl's law says", async () => {
    // f = 0.5: the speedup with 8 clients is at most 1 / (0.5 + 0.5 / 8) ≈ 1.78.
    const config = { serializedFraction: 0.5, latency: { default: { baseMs: 40, distribution: 'none' as const } } };
    await withMock({ config }, async (mock) => {
      const one = await timeConcurrent(mock, 1, 16);
      const eight = await timeConcurrent(mock, 8, 2);
      const speedup = one / eight;
      expect(speedup).toBeGreaterThan(1.3);
      expect(speedup).toBeLessThan(2.2);
    });
  });

  it('contention makes throughput fall past the knee instead of levelling off', async () => {
    // Capacity 2 and 80 ms: 2 clients keep both slots busy; 6 more only queue. With κ = 0.2 each
    // operation meets about 2 in progress (96 ms) at 2 clients and 8 (192 ms) at 8: the same 16
    // operations take about twice as long. Without κ both take 80 ms each, the same time. Wide
    // margins: a loaded machine stretches every timer, which pulls both ratios towards 1 (at
    // 40 ms a CI run read 1.44), so the operations are long enough for its lag to matter little.
    const latency = { default: { baseMs: 80, distribution: 'none' as const } };
    const ratio = (contention: number) =>
      withMock({ config: { capacity: 2, contention, latency } }, async (mock) => {
        const two = await timeConcurrent(mock, 2, 8);
        const eight = await timeConcurrent(mock, 8, 2);
        return eight / two;
      });
    const flat = await ratio(0);
    const falling = await ratio(0.2);
    expect(flat).toBeLessThan(1.2);
    expect(falling).toBeGreaterThan(1.45);
    expect(falling).toBeLessThan(2.3);
  });

  it('lognormal jitter spreads latencies around the median', async () => {
    const config = { seed: 42, latency: { default: { baseMs: 10, distribution: 'lognormal' as const, sigma: 0.5 } } };
    const run = () =>
      withMock({ config }, async (mock) => {
        const times: number[] = [];
        for (let i = 0; i < 30; i++) {
          const start = performance.now();
          await mock.api('GET', 'WhoAmI');
          times.push(performance.now() - start);
        }
        return times;
      });
    const times = await run();
    const sorted = [...times].sort((a, b) => a - b);
    expect(sorted[15]!).toBeGreaterThan(5);
    expect(sorted[29]! / sorted[0]!).toBeGreaterThan(1.5);
  });
});

describe('fault injection', () => {
  it('503s at the configured rate on the configured table, with nothing applied', async () => {
    await withMock({ config: { faults: [{ kind: '503', rate: 1, table: 'account' }] } }, async (mock) => {
      const res = await mock.api('POST', 'accounts', { body: { name: 'x' } });
      expect(res.status).toBe(503);
      expect(res.json.error.message).toContain('temporarily unavailable');
      expect((await mock.api('POST', 'contacts', { body: { lastname: 'x' } })).status).toBe(204);
      expect((await mock.raw('GET', '/_mock/stats')).json.records.account).toBe(0);
    });
  });

  it('a dropped connection after processing loses the response but keeps the change', async () => {
    await withMock({ config: { faults: [{ kind: 'drop', rate: 1, operation: 'create' }] } }, async (mock) => {
      await expect(mock.api('POST', 'accounts', { body: { name: 'lost response' } })).rejects.toThrow();
      expect((await mock.raw('GET', '/_mock/stats')).json.records.account).toBe(1);
      expect((await mock.raw('GET', '/_mock/stats')).json.faults.drop).toBe(1);
    });
  });

  it('a dropped connection before processing changes nothing', async () => {
    await withMock(
      { config: { faults: [{ kind: 'drop', rate: 1, operation: 'create', afterProcessing: false }] } },
      async (mock) => {
        await expect(mock.api('POST', 'accounts', { body: { name: 'never' } })).rejects.toThrow();
        expect((await mock.raw('GET', '/_mock/stats')).json.records.account).toBe(0);
      },
    );
  });

  it('slow responses add their delay; a 30% rate hits about 30% of requests', async () => {
    await withMock(
      { config: { seed: 3, faults: [{ kind: 'slow', rate: 0.3, slowMs: 30, operation: 'read' }] } },
      async (mock) => {
        const times: number[] = [];
        for (let i = 0; i < 100; i++) {
          const start = performance.now();
          await mock.api('GET', 'WhoAmI');
          times.push(performance.now() - start);
        }
        const slowed = (await mock.raw('GET', '/_mock/stats')).json.faults.slow as number;
        expect(slowed).toBeGreaterThan(15);
        expect(slowed).toBeLessThan(45);
        // An unslowed answer takes a millisecond or two; a busy machine (CI) may hold a few as long as 20.
        const slow = times.filter((t) => t >= 20).length;
        expect(slow).toBeGreaterThanOrEqual(slowed);
        expect(slow - slowed).toBeLessThanOrEqual(5);
        // Each sleep pays back what earlier ones overran (see Delays), so one slowed answer may be a
        // little under 30 ms (CI saw one under 29), but together they take the 30 ms asked.
        const longest = [...times].sort((a, b) => b - a).slice(0, slowed);
        expect(longest.reduce((a, t) => a + t, 0) / slowed).toBeGreaterThanOrEqual(29.5);
      },
    );
  });
});

describe('stats report server cost', () => {
  it("includes busy time, queue depth and the process's CPU and memory", async () => {
    await withMock({ config: { latency: { default: { baseMs: 5, distribution: 'none' } } } }, async (mock) => {
      for (let i = 0; i < 5; i++) await mock.api('GET', 'WhoAmI');
      const { server } = (await mock.raw('GET', '/_mock/stats')).json;
      expect(server.busyMs).toBeGreaterThanOrEqual(25);
      expect(server.cpuUserMs).toBeGreaterThan(0);
      expect(server.rssBytes).toBeGreaterThan(10_000_000);
      expect(server.peakRssBytes).toBeGreaterThanOrEqual(server.rssBytes * 0.5);
      expect(server.heapUsedBytes).toBeGreaterThan(0);
      expect(server.queuePeak).toBe(0);
    });
  });
});
