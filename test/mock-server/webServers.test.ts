import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { withMock, type ApiResult } from '../helpers/useMockServer.js';

function affinityOf(result: ApiResult): string | undefined {
  const header = result.headers['set-cookie'];
  const text = Array.isArray(header) ? header.join('; ') : header;
  return text === undefined ? undefined : /ARRAffinity=([0-9a-f]+)/.exec(text)?.[1];
}

describe('web servers and the affinity cookie', () => {
  it('sets ARRAffinity on a request without it, spreads such requests over the servers, and pins one that sends it back', async () => {
    await withMock({ config: { webServers: 3 } }, async (mock) => {
      const first = await mock.api('GET', 'WhoAmI');
      const header = String(first.headers['set-cookie']);
      expect(header).toMatch(/^ARRAffinity=[0-9a-f]{64}; path=\/; secure; HttpOnly$/);
      const spread = [first];
      for (let i = 0; i < 5; i++) spread.push(await mock.api('GET', 'WhoAmI'));
      const cookies = spread.map(affinityOf);
      expect(new Set(cookies).size).toBe(3);
      // Round robin: the fourth request meets the first server again.
      expect(cookies[3]).toBe(cookies[0]);
      const pinned = `ARRAffinity=${cookies[1] ?? ''}`;
      for (let i = 0; i < 4; i++) {
        const res = await mock.api('GET', 'WhoAmI', { headers: { cookie: `other=1; ${pinned}` } });
        expect(res.status).toBe(200);
        expect(res.headers['set-cookie']).toBeUndefined();
      }
      // A stale or foreign value is treated as no cookie: the balancer picks and says so.
      const stale = await mock.api('GET', 'WhoAmI', { headers: { cookie: 'ARRAffinity=0123' } });
      expect(affinityOf(stale)).toBeDefined();
      const stats = (await mock.raw('GET', '/_mock/stats')).json;
      expect(stats.webServers.requests).toEqual([3, 6, 2]);
      expect(stats.webServers.throttled).toEqual([0, 0, 0]);
    });
  });

  it('counts the request limit per user per web server: spread requests pass where pinned ones meet 429', async () => {
    const config = { webServers: 2, timeScale: 60, limits: { requestsPerWindow: 5, evaluationIntervalSeconds: 0 } };
    await withMock({ config }, async (mock) => {
      const spread: number[] = [];
      for (let i = 0; i < 10; i++) spread.push((await mock.api('GET', 'WhoAmI')).status);
      expect(spread).toEqual(Array<number>(10).fill(200));
      await mock.reset();
      const first = await mock.api('GET', 'WhoAmI');
      const cookie = `ARRAffinity=${affinityOf(first) ?? ''}`;
      const pinned: number[] = [];
      for (let i = 0; i < 5; i++) pinned.push((await mock.api('GET', 'WhoAmI', { headers: { cookie } })).status);
      expect(pinned).toEqual([200, 200, 200, 200, 429]);
      // The other server has its own count for this user.
      const other = await mock.api('GET', 'WhoAmI');
      expect(other.status).toBe(200);
      expect(other.headers['x-ms-ratelimit-burst-remaining-xrm-requests']).toBe('4');
      const stats = (await mock.raw('GET', '/_mock/stats')).json;
      expect(stats.webServers.throttled).toEqual([1, 0]);
    });
  });

  it('gives each web server its own capacity: 8 requests pinned to one server take twice as long as 8 spread over two', async () => {
    const config = { webServers: 2, capacity: 2, latency: { default: { baseMs: 60, distribution: 'none' as const } } };
    await withMock({ config }, async (mock) => {
      const first = await mock.api('GET', 'WhoAmI');
      const cookie = `ARRAffinity=${affinityOf(first) ?? ''}`;
      const time = async (headers: Record<string, string>): Promise<number> => {
        const t0 = performance.now();
        await Promise.all(Array.from({ length: 8 }, () => mock.api('GET', 'WhoAmI', { headers })));
        return performance.now() - t0;
      };
      const pinnedMs = await time({ cookie });
      const spreadMs = await time({});
      // Pinned: 4 waves of 60 ms on one server; spread: 2 waves on each.
      expect(pinnedMs).toBeGreaterThanOrEqual(235);
      expect(spreadMs).toBeGreaterThanOrEqual(115);
      expect(spreadMs).toBeLessThan(pinnedMs * 0.8);
    });
  });
});
