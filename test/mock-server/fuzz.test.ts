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
    fc
      .array(
        fc.constantFrom(
          'name',
          'revenue',
          'eq',
          'ne',
          'gt',
          'and',
          'or',
          'not',
          '(',
          ')',
          "'x'",
          "'",
          '1',
          '2023-01-01',
          'null',
          'contains(',
          ',',
          'true',
          '_parentcustomerid_value',
          'Microsoft.Dynamics.CRM.In(',
          'PropertyName=',
          '[',
          ']',
        ),
        { maxLength: 12 },
      )
      .map((t) => t.join(' ')),
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
            mock
              .api('POST', 'accounts', { body: body, headers: { 'content-type': 'application/json' } })
              .then(async (r) => {
                // A random body that happens to be a valid account is a legitimate create: undo it.
                if (r.status === 204)
                  await mock.api('DELETE', String(r.headers['odata-entityid']).replace(mock.server.apiUrl, ''));
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

  it('random and malformed $batch bodies never crash the server, never answer 500, never change the data', async () => {
    const piece = fc.constantFrom(
      '--b',
      '--b--',
      '\r\n',
      '\n',
      'Content-Type: application/http',
      'Content-Type: multipart/mixed; boundary=cs',
      '--cs',
      '--cs--',
      'POST /api/data/v9.2/accounts HTTP/1.1',
      'PATCH $1 HTTP/1.1',
      'GET accounts HTTP/1.1',
      'Content-ID: 1',
      'Content-Type: application/json',
      '{"name":"x"}',
      '{"Name":1}',
      '',
      ':',
    );
    const before = (await mock.raw('GET', '/_mock/stats')).json.records;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.array(piece, { maxLength: 40 }).map((p) => p.join('')),
        ),
        async (body) => {
          const res = await mock.api('POST', '$batch', {
            body,
            headers: { 'content-type': 'multipart/mixed; boundary=b' },
          });
          expect(res.status, res.text).toBeLessThan(500);
          // A random body can be a valid batch that creates records: undo so the data stays as it was.
          if (res.status === 200) await mock.seed({ account: 30, contact: 30 });
        },
      ),
      { numRuns: 300 },
    );
    expect((await mock.raw('GET', '/_mock/stats')).json.records).toEqual(before);
    expect((await mock.api('GET', 'accounts?$orderby=accountid')).text).toBe(baseline);
    expect((await mock.raw('GET', '/_mock/stats')).json.requests.byStatus['500']).toBeUndefined();
  });
});
