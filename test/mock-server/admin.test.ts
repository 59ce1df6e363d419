import { describe, expect, it } from 'vitest';
import { useMockServer } from '../helpers/useMockServer.js';

describe('mock server: admin endpoints', () => {
  const mock = useMockServer();

  it('health answers ok without a token', async () => {
    const res = await mock.raw('GET', '/_mock/health');
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('ok');
  });

  it('stats count requests by route and status, and records per table', async () => {
    await mock.reset();
    await mock.api('POST', 'accounts', { body: { name: 'a' } });
    await mock.api('POST', 'accounts', { body: { name: 'b' } });
    await mock.api('GET', 'accounts(00000000-0000-0000-0000-000000000009)');
    await mock.api('GET', 'nosuch');
    const stats = (await mock.raw('GET', '/_mock/stats')).json;
    expect(stats.requests.byRoute).toEqual({
      'POST accounts': { '204': 2 },
      'GET accounts(key)': { '404': 1 },
      'GET (unmatched)': { '404': 1 },
    });
    expect(stats.requests.total).toBe(4);
    expect(stats.records.account).toBe(2);
  });

  it('reset empties every table and the counters', async () => {
    await mock.api('POST', 'accounts', { body: { name: 'a' } });
    const res = await mock.raw('POST', '/_mock/reset');
    expect(res.status).toBe(200);
    expect(Object.values(res.json.records as Record<string, number>).every((n) => n === 0)).toBe(true);
    expect((await mock.raw('GET', '/_mock/stats')).json.requests.total).toBe(0);
  });

  it('seed is deterministic: the same seed gives byte-identical data, another seed different data', async () => {
    const snapshot = async (seed: number): Promise<string> => {
      const res = await mock.raw('POST', '/_mock/seed', {
        body: JSON.stringify({ seed, counts: { account: 50, contact: 80, quote: 10, quotedetail: 30 } }),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.json.created).toEqual({ account: 50, contact: 80, quote: 10, quotedetail: 30 });
      const parts: string[] = [];
      for (const set of ['accounts', 'contacts', 'quotes', 'quotedetails'])
        parts.push((await mock.api('GET', `${set}?$orderby=createdon`)).text);
      return parts.join('\n');
    };
    const a = await snapshot(7);
    const b = await snapshot(7);
    const c = await snapshot(8);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    const contacts = (
      await mock.api('GET', 'contacts?$select=_parentcustomerid_value&$filter=_parentcustomerid_value ne null')
    ).json.value;
    expect(contacts).toHaveLength(80);
  });

  it.each([
    ['{"counts": {"nosuch": 1}}', 'counts.nosuch: no table with that logical name'],
    ['{"counts": {"account": -1}}', 'counts.account'],
    ['{"count": {}}', 'count'],
    ['not json', 'not valid JSON'],
  ])('a bad seed request %s is a 400 naming the field', async (body, fragment) => {
    const res = await mock.raw('POST', '/_mock/seed', { body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain(fragment);
  });

  it('wrong methods and unknown admin paths are 405 and 404', async () => {
    expect((await mock.raw('GET', '/_mock/reset')).status).toBe(405);
    expect((await mock.raw('GET', '/_mock/nothing')).status).toBe(404);
  });
});
