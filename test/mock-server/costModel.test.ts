import { request } from 'undici';
import { beforeEach, describe, expect, it } from 'vitest';
import { encodeBatch } from '../../src/client/batch/encodeBatch.js';
import { createMultiple } from '../../src/client/bulk/bulkRequests.js';
import { useMockServer } from '../helpers/useMockServer.js';

const fixed = (baseMs: number) => ({ baseMs, distribution: 'none' as const });

// Fixed service times make the mock's busy time exact: what the cost model charged, to the ms.
describe('mock server: the cost model charges $batch, bulk and tables as configured', () => {
  const mock = useMockServer({
    config: {
      latency: {
        default: fixed(2),
        create: fixed(6),
        update: fixed(8),
        upsert: fixed(11),
        changeset: fixed(9),
        batch: fixed(5),
        batchItem: fixed(4),
        bulk: fixed(7),
        bulkCreate: fixed(1),
        tables: { contact: 3 },
        roundTripMs: 30,
      },
    },
  });

  beforeEach(async () => {
    await mock.reset();
  });

  async function busyMs(): Promise<number> {
    const stats = await mock.raw('GET', '/_mock/stats');
    return (stats.json as { server: { busyMs: number } }).server.busyMs;
  }

  /** Sends one `$batch` and answers its status. */
  async function sendBatch(entries: Parameters<typeof encodeBatch>[0]): Promise<number> {
    const encoded = encodeBatch(entries, { apiUrl: mock.server.apiUrl });
    const res = await request(`${mock.server.apiUrl}$batch`, {
      method: 'POST',
      headers: { ...encoded.headers, authorization: `Bearer ${mock.token}` },
      body: encoded.body,
    });
    await res.body.dump();
    return res.statusCode;
  }

  const records = Array.from({ length: 20 }, (_, i) => ({ name: `r${i}` }));

  it('a bulk create pays its overhead once and the bulk per-record cost: 7 + 20 x 1 ms', async () => {
    const bulk = createMultiple('accounts', 'account', records);
    const res = await mock.api('POST', bulk.path, { body: bulk.body });
    expect(res.status).toBe(200);
    expect(await busyMs()).toBe(27);
  });

  it('a $batch of the same creates pays the batch overhead and the batch item cost: 5 + 20 x 4 ms', async () => {
    expect(await sendBatch(records.map((body) => ({ method: 'POST' as const, url: 'accounts', body })))).toBe(200);
    expect(await busyMs()).toBe(85);
  });

  it("a table's multiplier scales its operations only", async () => {
    expect((await mock.api('POST', 'accounts', { body: { name: 'a' } })).status).toBe(204);
    expect(await busyMs()).toBe(6);
    expect((await mock.api('POST', 'contacts', { body: { lastname: 'c' } })).status).toBe(204);
    expect(await busyMs()).toBe(6 + 18);
  });

  it('the round trip delays every answer but is no server time', async () => {
    const started = performance.now();
    expect((await mock.api('GET', 'WhoAmI')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
    expect(await busyMs()).toBe(2);
  });

  it('a PATCH without If-Match is an upsert (11 ms), with If-Match: * an update (8 ms)', async () => {
    const id = '00000000-0000-4000-8000-0000000000a1';
    expect((await mock.api('PATCH', `accounts(${id})`, { body: { name: 'u' } })).status).toBe(204);
    expect(await busyMs()).toBe(11);
    const update = await mock.api('PATCH', `accounts(${id})`, { body: { name: 'v' }, headers: { 'If-Match': '*' } });
    expect(update.status).toBe(204);
    expect(await busyMs()).toBe(11 + 8);
  });

  it('each changeset of a $batch pays its transaction once: 5 + 2 x 9 + 4 x 4 ms', async () => {
    const op = (i: number) => ({ method: 'POST' as const, url: 'accounts', body: { name: `c${i}` } });
    expect(await sendBatch([{ changeset: [op(1), op(2), op(3)] }, { changeset: [op(4)] }])).toBe(200);
    expect(await busyMs()).toBe(39);
  });
});
