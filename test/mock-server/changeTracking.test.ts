import { describe, expect, it } from 'vitest';
import { entityIdOf, useMockServer } from '../helpers/useMockServer.js';

/** Learn's "Use change tracking to synchronize data with external systems", over a socket. */
describe('mock server: change tracking (Prefer: odata.track-changes, $deltatoken)', () => {
  const mock = useMockServer();
  const track = { prefer: 'odata.track-changes,odata.maxpagesize=3' };

  it('an initial sync pages to a delta link; the delta holds what changed since it started, deletions included', async () => {
    await mock.reset();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push(entityIdOf(await mock.api('POST', 'accounts', { body: { name: `A${i}`, accountnumber: `N${i}` } })));

    let url: string | undefined = 'accounts?$select=name';
    let delta: string | undefined;
    const synced: string[] = [];
    let pages = 0;
    while (url !== undefined) {
      const res = await mock.api('GET', url, { headers: track });
      expect(res.status, res.text).toBe(200);
      expect(res.headers['preference-applied']).toBe('odata.maxpagesize=3,odata.track-changes');
      synced.push(...res.json.value.map((r: { name: string }) => r.name));
      if (pages++ === 0) {
        // Changed while the sync pages on: the delta must still bring it.
        await mock.api('PATCH', `accounts(${ids[0] ?? ''})`, { body: { name: 'A0 renamed mid-sync' } });
      }
      url = res.json['@odata.nextLink'] as string | undefined;
      delta = res.json['@odata.deltaLink'] as string | undefined;
    }
    expect(pages).toBe(3);
    expect(synced).toHaveLength(7);
    expect(delta).toMatch(/\/accounts\?\$select=name&\$deltatoken=\d+$/);

    await mock.api('PATCH', `accounts(${ids[1] ?? ''})`, { body: { accountnumber: 'changed' } });
    await mock.api('DELETE', `accounts(${ids[2] ?? ''})`);
    const added = entityIdOf(await mock.api('POST', 'accounts', { body: { name: 'New' } }));

    const changes = await mock.api('GET', delta ?? '');
    expect(changes.status, changes.text).toBe(200);
    expect(changes.json['@odata.context']).toBe(`${mock.server.apiUrl}$metadata#accounts(name)/$delta`);
    const value = changes.json.value as Record<string, unknown>[];
    expect(value.filter((r) => 'name' in r).map((r) => [r.accountid, r.name])).toEqual(
      expect.arrayContaining([
        [ids[0], 'A0 renamed mid-sync'],
        [ids[1], 'A1'],
        [added, 'New'],
      ]),
    );
    expect(value.filter((r) => 'name' in r)).toHaveLength(3);
    expect(value.filter((r) => r.reason === 'deleted')).toEqual([
      { '@odata.context': `${mock.server.apiUrl}$metadata#accounts/$deletedEntity`, id: ids[2], reason: 'deleted' },
    ]);
    const next = changes.json['@odata.deltaLink'] as string;
    expect(next).not.toBe(delta);
    expect((await mock.api('GET', next)).json.value).toEqual([]);
  });

  it('a delta answer pages as a query does: at most odata.maxpagesize changes, in the order they happened, then the delta link', async () => {
    await mock.reset();
    const start = await mock.api('GET', 'accounts?$select=name', { headers: track });
    const delta = start.json['@odata.deltaLink'] as string;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(entityIdOf(await mock.api('POST', 'accounts', { body: { name: `D${i}` } })));
    await mock.api('DELETE', `accounts(${ids[1] ?? ''})`);
    await mock.api('PATCH', `accounts(${ids[0] ?? ''})`, { body: { name: 'D0 again' } });

    const seen: unknown[] = [];
    let url: string | undefined = delta;
    let last: Record<string, unknown> = {};
    const sizes: number[] = [];
    while (url !== undefined) {
      const res = await mock.api('GET', url, { headers: { prefer: 'odata.maxpagesize=2' } });
      expect(res.status, res.text).toBe(200);
      const value = res.json.value as Record<string, unknown>[];
      sizes.push(value.length);
      seen.push(...value.map((r) => (r.reason === 'deleted' ? `deleted ${String(r.id)}` : r.name)));
      last = res.json;
      url = res.json['@odata.nextLink'] as string | undefined;
    }
    // Five creates, one deletion, one rename of a record created in the window: 5 changes now.
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(['D2', 'D3', 'D4', `deleted ${ids[1] ?? ''}`, 'D0 again']);
    expect(last['@odata.deltaLink']).toMatch(/\$deltatoken=\d+$/);
    const after = await mock.api('GET', last['@odata.deltaLink'] as string);
    expect(after.json.value).toEqual([]);
  });

  it('an unpaged delta over more than 5,000 changes answers 5,000 and a next link', async () => {
    await mock.reset();
    const start = await mock.api('GET', 'accounts?$select=name', { headers: track });
    await mock.seed({ account: 5003 });
    const res = await mock.api('GET', start.json['@odata.deltaLink'] as string);
    expect(res.status).toBe(200);
    expect(res.json.value).toHaveLength(5000);
    expect(res.json['@odata.deltaLink']).toBeUndefined();
    const rest = await mock.api('GET', res.json['@odata.nextLink'] as string);
    expect(rest.json.value).toHaveLength(3);
    expect(rest.json['@odata.deltaLink']).toBeDefined();
  });

  it.each([
    [
      "accounts?$select=name&$filter=name eq 'x'",
      { prefer: 'odata.track-changes' },
      "The query option '$filter' cannot be combined with change tracking",
    ],
    ['accounts?$select=name&$deltatoken=abc', {}, "The $deltatoken 'abc' is not one this server issued."],
    [
      'accounts?$select=name&$deltatoken=999999999999',
      {},
      "The $deltatoken '999999999999' is not one this server issued.",
    ],
    ['accounts?$orderby=name&$deltatoken=1', {}, "The query option '$orderby' cannot be combined with change tracking"],
  ])('%s → 400', async (path, headers, message) => {
    const res = await mock.api('GET', path, { headers });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain(message);
  });
});
