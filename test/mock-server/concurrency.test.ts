import { describe, expect, it } from 'vitest';
import { entityIdOf, useMockServer } from '../helpers/useMockServer.js';

describe('mock server: concurrent requests', () => {
  // Limits off: this is about the store's consistency, not about the concurrency limit.
  const mock = useMockServer({ config: { limits: { enabled: false } } });

  it('200 concurrent creates all land, with distinct ids', async () => {
    await mock.reset();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        mock.api('POST', 'accounts', { body: { name: `c${i}`, accountnumber: `CC-${i}` } }),
      ),
    );
    expect(results.every((r) => r.status === 204)).toBe(true);
    expect(new Set(results.map(entityIdOf)).size).toBe(200);
    expect((await mock.api('GET', 'accounts/$count')).text).toBe('200');
  });

  it('concurrent updates of different columns of one record are all kept', async () => {
    const id = entityIdOf(await mock.api('POST', 'accounts', { body: { name: 'shared' } }));
    const columns = ['telephone1', 'emailaddress1', 'address1_city', 'description'];
    await Promise.all(columns.map((c) => mock.api('PATCH', `accounts(${id})`, { body: { [c]: `${c}-value` } })));
    const got = (await mock.api('GET', `accounts(${id})`)).json;
    for (const c of columns) expect(got[c]).toBe(`${c}-value`);
  });

  it('concurrent creates with the same client key: exactly one wins', async () => {
    const id = '11111111-2222-4333-8444-555555555555';
    const results = await Promise.all(
      Array.from({ length: 20 }, () => mock.api('POST', 'accounts', { body: { accountid: id, name: 'race' } })),
    );
    expect(results.filter((r) => r.status === 204)).toHaveLength(1);
    expect(results.filter((r) => r.status === 412)).toHaveLength(19);
  });
});
