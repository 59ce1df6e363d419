import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { describe, expect, it } from 'vitest';
import { startMockServer, type MockConfigInput } from '../../mock-server/index.js';
import { createMockTokenProviders } from '../../src/client/auth/createTokenProviders.js';
import { DataverseClient } from '../../src/client/DataverseClient.js';

async function withClient<T>(
  config: MockConfigInput,
  options: { identities?: number; connections?: number; retry?: Record<string, number> },
  fn: (client: DataverseClient, mock: Awaited<ReturnType<typeof startMockServer>>) => Promise<T>,
): Promise<T> {
  const mock = await startMockServer({ port: 0, config });
  const client = new DataverseClient({
    url: mock.url,
    identities: createMockTokenProviders(mock.url, options.identities ?? 1),
    connections: options.connections ?? 32,
    retry: { baseDelayMs: 5, maxDelayMs: 50, ...options.retry },
  });
  try {
    return await fn(client, mock);
  } finally {
    await client.close();
    await mock.close();
  }
}

async function stats(mock: { url: string }): Promise<any> {
  const res = await fetch(`${mock.url}/_mock/stats`);
  return res.json();
}

async function createAll(client: DataverseClient, n: number, concurrency: number): Promise<string[]> {
  const limit = pLimit(concurrency);
  const ids = Array.from({ length: n }, () => randomUUID());
  const results = await Promise.all(
    ids.map((id, i) => limit(() => client.create('accounts', { accountid: id, name: `w${i}` }, { idempotent: true }))),
  );
  expect(results.filter((r) => r.status !== 204)).toEqual([]);
  return ids;
}

async function expectExactlyOnce(client: DataverseClient, ids: string[]): Promise<void> {
  const seen: string[] = [];
  for await (const page of client.queryPages('accounts?$select=accountid', { maxPageSize: 5000 })) {
    seen.push(...(JSON.parse(page.text) as { value: { accountid: string }[] }).value.map((r) => r.accountid));
  }
  expect(seen.length).toBe(ids.length);
  expect(new Set(seen)).toEqual(new Set(ids));
}

describe('DataverseClient retries', () => {
  it("under a 429 storm every planned write lands exactly once, and the 429 counts match the mock's", async () => {
    // A 0.5 s window of 40 requests and a concurrency limit of 8, hit by 24 workers.
    const config = {
      timeScale: 600,
      limits: { requestsPerWindow: 40, concurrentRequests: 8, evaluationIntervalSeconds: 0, penaltySeconds: 0 },
      latency: { default: { baseMs: 5, distribution: 'none' as const } },
    };
    await withClient(config, {}, async (client, mock) => {
      const ids = await createAll(client, 200, 24);
      await expectExactlyOnce(client, ids);
      const server = await stats(mock);
      const serverThrottled = server.throttling.throttledByCode as Record<string, number>;
      expect(client.counters.throttledByCode).toEqual(
        Object.fromEntries(Object.entries(serverThrottled).filter(([, n]) => n > 0)),
      );
      expect(Object.values(serverThrottled).reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
      expect(client.counters.retries).toBe(Object.values(client.counters.throttledByCode).reduce((a, b) => a + b, 0));
      expect(client.counters.retryWaitMs).toBeGreaterThan(0);
      expect(client.counters.requests).toBe(server.requests.total);
    });
  });

  it('under dropped connections every planned write lands exactly once; duplicates on retry count as success', async () => {
    const config = { seed: 5, faults: [{ kind: 'drop' as const, rate: 0.2, operation: 'create' as const }] };
    await withClient(config, {}, async (client, mock) => {
      const ids = await createAll(client, 200, 8);
      await expectExactlyOnce(client, ids);
      const drops = (await stats(mock)).faults.drop as number;
      expect(drops).toBeGreaterThan(10);
      expect(client.counters.connectionErrors).toBe(drops);
      expect(client.counters.recoveredOnRetry).toBeGreaterThan(0);
      expect(client.counters.recoveredOnRetry).toBeLessThanOrEqual(drops);
    });
  });

  it('retries 503s on reads with backoff, and counts them', async () => {
    await withClient(
      { seed: 9, faults: [{ kind: '503', rate: 0.3, operation: 'read' }] },
      { retry: { maxServerErrorAttempts: 10 } },
      async (client, mock) => {
        const results = await Promise.all(Array.from({ length: 50 }, () => client.whoAmI()));
        expect(results.every((r) => r.status === 200)).toBe(true);
        expect(client.counters.serverErrors).toBe((await stats(mock)).faults['503']);
        expect(client.counters.serverErrors).toBeGreaterThan(5);
      },
    );
  });

  it('does not resend a create without a client-chosen key after a lost response', async () => {
    await withClient({ faults: [{ kind: 'drop', rate: 1, operation: 'create' }] }, {}, async (client, mock) => {
      await expect(client.create('accounts', { name: 'no key' })).rejects.toThrow(
        /DVB_ERR|POST accounts: .*after 1 attempt/,
      );
      expect((await stats(mock)).records.account).toBe(1);
    });
  });

  it('gives up after maxServerErrorAttempts and returns the last answer', async () => {
    await withClient(
      { faults: [{ kind: '503', rate: 1 }] },
      { retry: { maxServerErrorAttempts: 3 } },
      async (client) => {
        const result = await client.whoAmI();
        expect(result.status).toBe(503);
        expect(result.attempts).toBe(3);
      },
    );
  });

  it('a 401 triggers one renewal and a retry', async () => {
    await withClient({}, {}, async (client, mock) => {
      expect((await client.whoAmI()).status).toBe(200);
      mock.context.tokens.revokeAll();
      const result = await client.whoAmI();
      expect(result.status).toBe(200);
      expect(result.attempts).toBe(2);
      expect(client.counters.reauthentications).toBe(1);
    });
  });

  it('reads x-ms-dop-hint and the rate-limit headers into hints', async () => {
    await withClient({ dopHint: 6 }, {}, async (client) => {
      await client.whoAmI();
      expect(client.hints.dopHint).toBe(6);
      expect(client.hints.burstRemaining).toBe(5999);
      expect(client.hints.timeRemainingSeconds).toBeGreaterThan(1199);
    });
  });

  it('spreads calls over several identities, each with its own limits', async () => {
    const config = { timeScale: 60, limits: { requestsPerWindow: 5, evaluationIntervalSeconds: 0 } };
    await withClient(config, { identities: 2 }, async (client) => {
      const results = [];
      for (let i = 0; i < 10; i++) results.push(await client.whoAmI());
      expect(results.every((r) => r.status === 200 && r.attempts === 1)).toBe(true);
      expect(new Set(results.map((r) => r.text.match(/"UserId":"([^"]+)"/)?.[1])).size).toBe(2);
    });
  });

  it('measures time to first byte and total time', async () => {
    await withClient({ latency: { default: { baseMs: 30, distribution: 'none' } } }, {}, async (client) => {
      const result = await client.whoAmI();
      expect(result.ttfbMs).toBeGreaterThanOrEqual(29);
      expect(result.totalMs).toBeGreaterThanOrEqual(result.ttfbMs);
    });
  });

  it('pages through a query and runs batches and bulk messages', async () => {
    await withClient({}, {}, async (client) => {
      await fetch(`${client.origin}/_mock/seed`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ counts: { account: 1234 } }),
      });
      let pages = 0;
      let records = 0;
      for await (const page of client.queryPages('accounts?$select=name', { maxPageSize: 100 })) {
        pages++;
        records += page.records;
      }
      expect([pages, records]).toEqual([13, 1234]);
      const batch = await client.batch([
        {
          changeset: [
            { method: 'POST', url: 'contacts', body: { lastname: 'a' } },
            { method: 'POST', url: 'contacts', body: { lastname: 'b' } },
          ],
        },
      ]);
      expect(batch.batch.succeeded).toBe(2);
      const { createMultiple } = await import('../../src/client/bulk/bulkRequests.js');
      const bulk = await client.bulk(createMultiple('contacts', 'contact', [{ lastname: 'c' }]));
      expect(bulk.status).toBe(200);
    });
  });
});

describe('DataverseClient and Server Busy', () => {
  it('retries a $batch refused with "Server Busy" (nothing ran), and every changeset lands once', async () => {
    const config = {
      latency: { batchItem: { baseMs: 10, distribution: 'none' as const } },
      limits: { maxConcurrentBatches: 1 },
    };
    await withClient(config, {}, async (client, mock) => {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          client.batch([{ changeset: [{ method: 'POST', url: 'accounts', body: { name: `busy ${i}` } }] }]),
        ),
      );
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(client.counters.serverErrors).toBe((await stats(mock)).throttling.serverBusy);
      expect(client.counters.serverErrors).toBeGreaterThan(0);
      expect((await stats(mock)).records.account).toBe(6);
    });
  });
});
