import { request } from 'undici';
import { beforeEach, describe, expect, it } from 'vitest';
import { encodeBatch } from '../../src/client/batch/encodeBatch.js';
import { createMultiple } from '../../src/client/bulk/bulkRequests.js';
import { useMockServer } from '../helpers/useMockServer.js';

const fixed = (baseMs: number) => ({ baseMs, distribution: 'none' as const });

// Fixed service times make the busy time exact: the operation's cost plus its plug-ins', to the ms.
describe('mock server: synchronous plug-ins and the bypass headers', () => {
  const mock = useMockServer({
    config: {
      latency: { default: fixed(2), create: fixed(6), update: fixed(8), batch: fixed(5), bulk: fixed(7) },
      plugins: [
        { name: 'account validation', table: 'account', messages: ['create', 'update'], ms: 40 },
        { table: 'account', messages: ['create'], ms: 10 },
      ],
    },
  });

  beforeEach(async () => {
    await mock.reset();
  });

  async function stats(): Promise<{ busyMs: number; plugins: { ran: number; bypassed: number; ms: number } }> {
    const res = await mock.raw('GET', '/_mock/stats');
    const json = res.json as { server: { busyMs: number }; plugins: { ran: number; bypassed: number; ms: number } };
    return { busyMs: json.server.busyMs, plugins: json.plugins };
  }

  it('a create runs every plug-in on its table and message; a table without plug-ins pays none', async () => {
    expect((await mock.api('POST', 'accounts', { body: { name: 'a' } })).status).toBe(204);
    expect(await stats()).toEqual({ busyMs: 6 + 40 + 10, plugins: { ran: 1, bypassed: 0, ms: 50 } });
    expect((await mock.api('POST', 'contacts', { body: { lastname: 'b' } })).status).toBe(204);
    expect((await stats()).busyMs).toBe(56 + 6);
  });

  it.each([
    ['MSCRM.BypassCustomPluginExecution', 'true'],
    ['MSCRM.BypassBusinessLogicExecution', 'CustomSync,CustomAsync'],
  ])('%s: %s skips them, and says how many it skipped', async (header, value) => {
    const res = await mock.api('POST', 'accounts', { body: { name: 'fast' }, headers: { [header]: value } });
    expect(res.status).toBe(204);
    expect(await stats()).toEqual({ busyMs: 6, plugins: { ran: 0, bypassed: 1, ms: 0 } });
  });

  it('CustomAsync alone does not skip synchronous plug-ins', async () => {
    await mock.api('POST', 'accounts', {
      body: { name: 'x' },
      headers: { 'MSCRM.BypassBusinessLogicExecution': 'CustomAsync' },
    });
    expect((await stats()).plugins).toEqual({ ran: 1, bypassed: 0, ms: 50 });
  });

  it('a bulk message and a $batch run them for each record; the $batch header covers its parts', async () => {
    const bulk = createMultiple('accounts', 'account', [{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    expect((await mock.api('POST', bulk.path, { body: bulk.body })).status).toBe(200);
    expect((await stats()).plugins).toEqual({ ran: 3, bypassed: 0, ms: 150 });
    const encoded = encodeBatch(
      [1, 2].map((i) => ({ method: 'POST' as const, url: 'accounts', body: { name: `p${i}` } })),
      { apiUrl: mock.server.apiUrl },
    );
    const res = await request(`${mock.server.apiUrl}$batch`, {
      method: 'POST',
      headers: {
        ...encoded.headers,
        authorization: `Bearer ${mock.token}`,
        'MSCRM.BypassCustomPluginExecution': 'true',
      },
      body: encoded.body,
    });
    await res.body.dump();
    expect(res.statusCode).toBe(200);
    expect((await stats()).plugins).toEqual({ ran: 3, bypassed: 2, ms: 150 });
  });

  it('a bad plug-in entry is a config error that names its place', async () => {
    const { parseMockConfig } = await import('../../mock-server/index.js');
    expect(() => parseMockConfig({ plugins: [{ table: 'acount', ms: 5 }] })).toThrow(
      /plugins\[0\]\.table: 'acount' is not a table of the mock/,
    );
    expect(() => parseMockConfig({ plugins: [{ table: 'account', ms: -1 }] })).toThrow(/plugins\[0\]\.ms: Too small/);
    expect(() => parseMockConfig({ plugins: [{ table: 'account', ms: 5, messages: ['retrieve'] }] })).toThrow(
      /plugins\[0\]\.messages\[0\]: Invalid option/,
    );
  });
});
