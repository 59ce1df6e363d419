import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { useMockServer } from '../helpers/useMockServer.js';

/** Random input over real HTTP: never a 500, the data unchanged, the server still serving. */
describe('mock server: fuzzed requests', () => {
  const mock = useMockServer();
  let baseline = '';

  beforeAll(async () => {
    await mock.seed({ account: 30, contact: 30 });
    baseline = (await mock.api('GET', 'accounts?$orderby=accountid')).text;
  });

  const filterText = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.array(fc.constantFrom('name', 'revenue', 'eq', 'ne', 'gt', 'and', 'or', 'not', '(', ')', "'x'", "'", '1', '2023-01-01', 'null', 'contains(', ',', 'true', '_parentcustomerid_value', 'Microsoft.Dynamics.CRM.In(', 'PropertyName=', '[', ']'), { maxLength: 12 }).map((t) => t.join(' ')),
  );

  it('random $filter, $select, $orderby, keys and bodies never produce a 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        filterText,
        fc.string({ maxLength: 20 }),
        fc.string({ maxLength: 30 }),
        fc.oneof(fc.string({ maxLength: 40 }), fc.json({ maxDepth: 2 })),
        async (filter, select, key, body) => {
          const results = await Promise.all([
            mock.api('GET', `accounts?$filter=${encodeURIComponent(filter)}`),
            mock.api('GET', `accounts?$select=${encodeURIComponent(select)}&$orderby=${encodeURIComponent(select)}`),
            mock.api('GET', `accounts(${encodeURIComponent(key)})`),
            mock.api('PATCH', `contacts(${encodeURIComponent(key)})`, { body, headers: { 'if-match': '*' } }),
            mock.api('POST', 'accounts', { body: body, headers: { 'content-type': 'application/json' } }).then(async (r) => {
              // A random body that happens to be a valid account is a legitimate create: undo it.
              if (r.status === 204) await mock.api('DELETE', String(r.headers['odata-entityid']).replace(mock.server.apiUrl, ''));
              return r;
            }),
          ]);
          for (const r of results) expect(r.status, r.text).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
    expect((await mock.api('GET', 'accounts?$orderby=accountid')).text).toBe(baseline);
    expect((await mock.raw('GET', '/_mock/stats')).json.requests.byStatus['500']).toBeUndefined();
  });
});
