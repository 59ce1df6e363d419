import { request } from 'undici';
import { beforeEach, describe, expect, it } from 'vitest';
import { decodeBatchResult } from '../../src/client/batch/decodeBatchResult.js';
import { encodeBatch } from '../../src/client/batch/encodeBatch.js';
import type { BatchEntryInput, BatchResult } from '../../src/client/batch/BatchTypes.js';
import { useMockServer } from '../helpers/useMockServer.js';

describe('mock server: $batch and changesets', () => {
  const mock = useMockServer();

  beforeEach(async () => {
    await mock.reset();
  });

  async function batch(
    entries: BatchEntryInput[],
    options: { continueOnError?: boolean; discardBodies?: boolean } = {},
  ): Promise<BatchResult & { contentType: string; raw: string }> {
    const encoded = encodeBatch(entries, {
      apiUrl: mock.server.apiUrl,
      ...(options.continueOnError === undefined ? {} : { continueOnError: options.continueOnError }),
    });
    const res = await request(`${mock.server.apiUrl}$batch`, {
      method: 'POST',
      headers: { ...encoded.headers, authorization: `Bearer ${mock.token}` },
      body: encoded.body,
    });
    const raw = await res.body.text();
    const contentType = String(res.headers['content-type']);
    return { ...decodeBatchResult(entries, res.statusCode, raw, contentType, options), contentType, raw };
  }

  async function count(set: string): Promise<number> {
    return Number((await mock.api('GET', `${set}/$count`)).text);
  }

  it('answers every top-level request in order with a batchresponse_ boundary', async () => {
    const out = await batch([
      { method: 'POST', url: 'accounts', body: { name: 'first' } },
      { method: 'GET', url: 'accounts?$select=name' },
      { method: 'GET', url: 'WhoAmI' },
    ]);
    expect(out.status).toBe(200);
    expect(out.contentType).toMatch(/^multipart\/mixed; boundary=batchresponse_[0-9a-f-]{36}$/);
    expect(out.results.map((r) => r.status)).toEqual([204, 200, 200]);
    expect(out.results[0]!.entityId).toMatch(/accounts\([0-9a-f-]{36}\)$/);
    expect(out.raw).toMatch(/Location: .*accounts\(/);
    expect((out.results[1]!.body as { value: { name: string }[] }).value.map((v) => v.name)).toEqual(['first']);
  });

  it('a changeset resolves $n in bodies and URLs, and echoes Content-ID in changesetresponse_ parts', async () => {
    const out = await batch([
      {
        changeset: [
          { method: 'POST', url: 'accounts', body: { name: 'Parent' }, contentId: '1' },
          {
            method: 'POST',
            url: 'contacts',
            body: { lastname: 'Child', 'parentcustomerid_account@odata.bind': '$1' },
            contentId: '2',
          },
          { method: 'PATCH', url: '$1', body: { telephone1: '555' }, contentId: '3' },
        ],
      },
    ]);
    expect(out.status).toBe(200);
    expect(out.raw).toMatch(/boundary=changesetresponse_[0-9a-f-]{36}/);
    expect(out.results.map((r) => [r.status, r.contentId])).toEqual([
      [204, '1'],
      [204, '2'],
      [204, '3'],
    ]);
    const account = /\(([0-9a-f-]{36})\)$/.exec(out.results[0]!.entityId!)![1]!;
    const contact = (await mock.api('GET', 'contacts?$select=_parentcustomerid_value')).json.value[0];
    expect(contact._parentcustomerid_value).toBe(account);
    expect((await mock.api('GET', `accounts(${account})?$select=telephone1`)).json.telephone1).toBe('555');
  });

  it('a changeset whose third operation fails leaves no trace of the first two', async () => {
    const out = await batch([
      {
        changeset: [
          { method: 'POST', url: 'accounts', body: { name: 'one', accountnumber: 'TX-1' } },
          { method: 'POST', url: 'contacts', body: { lastname: 'two' } },
          { method: 'POST', url: 'accounts', body: { name: 'x'.repeat(161) } },
        ],
      },
    ]);
    expect(out.status).toBe(400);
    expect(out.results).toHaveLength(3);
    for (const r of out.results) {
      expect(r).toMatchObject({ status: 400, rolledBack: true, error: { code: '0x80044331' } });
    }
    expect(await count('accounts')).toBe(0);
    expect(await count('contacts')).toBe(0);
    expect((await mock.api('GET', "accounts(accountnumber='TX-1')")).status).toBe(404);
  });

  it('a failed changeset rolls back updates and deletes too', async () => {
    const id = String((await mock.api('POST', 'accounts', { body: { name: 'before' } })).headers['odata-entityid'])
      .split('(')[1]!
      .slice(0, 36);
    const other = String((await mock.api('POST', 'accounts', { body: { name: 'keep me' } })).headers['odata-entityid'])
      .split('(')[1]!
      .slice(0, 36);
    const out = await batch([
      {
        changeset: [
          { method: 'PATCH', url: `accounts(${id})`, body: { name: 'after' } },
          { method: 'DELETE', url: `accounts(${other})` },
          { method: 'PATCH', url: `accounts(${id})`, body: { nosuchcolumn: 1 } },
        ],
      },
    ]);
    expect(out.status).toBe(400);
    expect((await mock.api('GET', `accounts(${id})?$select=name`)).json.name).toBe('before');
    expect((await mock.api('GET', `accounts(${other})`)).status).toBe(200);
  });

  it('without continue-on-error processing stops at the first failure and the top level takes its status', async () => {
    const out = await batch([
      { method: 'POST', url: 'accounts', body: { name: 'kept' } },
      { method: 'GET', url: 'accounts(00000000-0000-0000-0000-000000000001)' },
      { method: 'POST', url: 'accounts', body: { name: 'never' } },
    ]);
    expect(out.status).toBe(404);
    expect(out.results.map((r) => r.status)).toEqual([204, 404, 0]);
    expect(out.results[2]!.notRun).toBe(true);
    expect(await count('accounts')).toBe(1);
  });

  it('with Prefer: odata.continue-on-error every part is answered, the top level is 200, and successes are kept', async () => {
    const out = await batch(
      [
        { method: 'POST', url: 'accounts', body: { name: 'a' } },
        { method: 'POST', url: 'accounts', body: { Name: 'bad' } },
        {
          changeset: [
            { method: 'POST', url: 'accounts', body: { name: 'cs' } },
            { method: 'POST', url: 'nosuch', body: {} },
          ],
        },
        { method: 'POST', url: 'accounts', body: { name: 'c' } },
      ],
      { continueOnError: true },
    );
    expect(out.status).toBe(200);
    expect(out.raw).toBeDefined();
    expect(out.results.map((r) => r.status)).toEqual([204, 400, 404, 404, 204]);
    expect(out.succeeded).toBe(2);
    expect(await count('accounts')).toBe(2);
  });

  it('GET inside a changeset, an unknown $n, and a nested $batch are refused', async () => {
    const get = await batch([
      {
        changeset: [
          { method: 'POST', url: 'accounts', body: { name: 'x' } },
          { method: 'GET', url: 'accounts' },
        ],
      },
    ]);
    expect(get.status).toBe(400);
    expect(get.results[0]!.error!.message).toContain('a GET request is not allowed inside a changeset');
    expect(await count('accounts')).toBe(0);
    const ref = await batch([{ changeset: [{ method: 'PATCH', url: '$9', body: { name: 'x' } }] }]);
    expect(ref.results[0]!.error!.message).toBe("Content-ID Reference: '$9' does not exist in the batch context.");
    const nested = await batch([{ method: 'POST', url: '$batch', body: 'x' }]);
    expect(nested.results[0]!.status).toBe(400);
  });

  it('more than 1000 requests is a 400 before anything runs; 1000 is accepted', async () => {
    const ops = (n: number): BatchEntryInput[] =>
      Array.from({ length: n }, (_, i) => ({ method: 'POST' as const, url: 'accounts', body: { name: `n${i}` } }));
    const tooMany = await batch(ops(1001));
    expect(tooMany.status).toBe(400);
    expect(tooMany.results[0]!.error!.message).toContain("maximum number of '1000' operations");
    expect(await count('accounts')).toBe(0);
    const max = await batch(ops(1000));
    expect(max.status).toBe(200);
    expect(max.succeeded).toBe(1000);
    expect(await count('accounts')).toBe(1000);
  });

  it('discarding bodies keeps statuses, ids and errors only (ReturnResponses=false)', async () => {
    await mock.api('POST', 'accounts', { body: { name: 'there' } });
    const out = await batch(
      [
        { method: 'GET', url: 'accounts' },
        { method: 'POST', url: 'accounts', body: {} },
      ],
      { discardBodies: true },
    );
    expect(out.results[0]!.body).toBeUndefined();
    expect(out.results[0]!.status).toBe(200);
    expect(out.results[1]!.entityId).toBeDefined();
  });

  it('a body with LF line endings is read as CRLF is: a changeset with a $1 reference creates both records', async () => {
    const id = '8a1c0000-0000-4000-8000-00000000001f';
    const body = [
      '--b',
      'Content-Type: multipart/mixed; boundary=cs',
      '',
      '--cs',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      'POST accounts HTTP/1.1',
      'Content-Type: application/json',
      '',
      JSON.stringify({ accountid: id, name: 'lf parent' }),
      '--cs',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 2',
      '',
      'POST contacts HTTP/1.1',
      'Content-Type: application/json',
      '',
      JSON.stringify({ lastname: 'lf child', 'parentcustomerid_account@odata.bind': '$1' }),
      '--cs--',
      '--b',
      'Content-Type: application/http',
      '',
      `GET accounts(${id})?$select=name HTTP/1.1`,
      '',
      '--b--',
      '',
    ].join('\n');
    const res = await mock.api('POST', '$batch', { body, headers: { 'content-type': 'multipart/mixed; boundary=b' } });
    expect(res.status).toBe(200);
    expect(res.text.match(/HTTP\/1\.1 204/g)).toHaveLength(2);
    expect(res.text).toContain('"name":"lf parent"');
    const child = await mock.api('GET', `contacts?$filter=_parentcustomerid_value eq ${id}&$select=lastname`);
    expect(child.json.value).toEqual([expect.objectContaining({ lastname: 'lf child' })]);
  });

  it.each([
    ['no multipart content type', { 'content-type': 'application/json' }, '{}', 'must be multipart/mixed'],
    [
      'no closing delimiter',
      { 'content-type': 'multipart/mixed; boundary=b' },
      '--b\r\nContent-Type: application/http\r\n\r\nPOST accounts HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{"name":"x"}\r\n',
      "closing delimiter '--b--' is missing",
    ],
  ])('a malformed body (%s) is 400 0x80048d19 and changes nothing', async (_label, headers, body, fragment) => {
    const res = await mock.api('POST', '$batch', { body, headers });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('0x80048d19');
    expect(res.json.error.message).toContain(fragment);
    expect(await count('accounts')).toBe(0);
  });

  it("counts as one request toward the limit, with all its operations' time", async () => {
    const before = Number((await mock.api('GET', 'WhoAmI')).headers['x-ms-ratelimit-burst-remaining-xrm-requests']);
    await batch(
      Array.from({ length: 50 }, (_, i) => ({ method: 'POST' as const, url: 'accounts', body: { name: `b${i}` } })),
    );
    const after = Number((await mock.api('GET', 'WhoAmI')).headers['x-ms-ratelimit-burst-remaining-xrm-requests']);
    expect(before - after).toBe(2);
    expect((await mock.raw('GET', '/_mock/stats')).json.requests.byRoute['POST $batch']).toEqual({ '200': 1 });
  });
});

describe('mock server: $batch time and the batch cap', () => {
  const mock = useMockServer({
    config: { latency: { batchItem: { baseMs: 5, distribution: 'none' } }, limits: { maxConcurrentBatches: 1 } },
  });

  it("a batch's service time is the sum of its operations", async () => {
    const entries: BatchEntryInput[] = Array.from({ length: 20 }, (_, i) => ({
      method: 'POST' as const,
      url: 'accounts',
      body: { name: `t${i}` },
    }));
    const encoded = encodeBatch(entries, { apiUrl: mock.server.apiUrl });
    const start = performance.now();
    const res = await request(`${mock.server.apiUrl}$batch`, {
      method: 'POST',
      headers: { ...encoded.headers, authorization: `Bearer ${mock.token}` },
      body: encoded.body,
    });
    await res.body.text();
    expect(performance.now() - start).toBeGreaterThanOrEqual(95);
    const busy = (await mock.raw('GET', '/_mock/stats')).json.server.busyMs as number;
    expect(busy).toBeGreaterThanOrEqual(100);
  });
});
