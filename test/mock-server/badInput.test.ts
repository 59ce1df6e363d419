import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { useMockServer } from '../helpers/useMockServer.js';

describe('mock server: bad input is a clear 4xx, never a 500, and changes nothing', () => {
  const mock = useMockServer({ config: { maxBodyBytes: 4096 } });

  async function records(): Promise<number> {
    return (await mock.raw('GET', '/_mock/stats')).json.records.account as number;
  }

  it.each([
    ['malformed JSON', '{"name": "x",', 400, '0x80048d19'],
    ['a JSON array', '[1,2]', 400, '0x80048d19'],
    ['an empty body', '', 400, '0x80048d19'],
    ['an unknown property', { Name: 'x' }, 400, '0x0'],
    ['a lookup column set directly', { primarycontactid: '00000000-0000-0000-0000-000000000001' }, 400, '0x0'],
    ['a string for a number', { numberofemployees: 'ten' }, 400, '0x0'],
    ['a fraction for a whole number', { numberofemployees: 1.5 }, 400, '0x0'],
    ['a number for a string', { name: 42 }, 400, '0x0'],
    ['a string for a yes/no column', { name: 'x', creditonhold: 'yes' }, 400, '0x0'],
    ['a choice value out of range', { industrycode: 99 }, 400, '0x8004431a'],
    ['a malformed primary key', { accountid: 'nope' }, 400, '0x0'],
  ])('POST with %s', async (_label, body, status, code) => {
    const before = await records();
    const res = await mock.api('POST', 'accounts', { body: typeof body === 'string' ? body : body });
    expect(res.status).toBe(status);
    expect(res.json.error.code).toBe(code);
    expect(await records()).toBe(before);
  });

  it("a string longer than its column is 400 0x80044331 with Dataverse's message", async () => {
    const res = await mock.api('POST', 'accounts', { body: { name: 'x'.repeat(161) } });
    expect(res.status).toBe(400);
    expect(res.json.error).toEqual({
      code: '0x80044331',
      message:
        "A validation error occurred.  The length of the 'name' attribute of the 'account' entity exceeded the maximum allowed length of '160'.",
    });
  });

  it('unknown property message names the property and the type', async () => {
    const res = await mock.api('POST', 'accounts', { body: { Name: 'x' } });
    expect(res.json.error.message).toContain(
      "Invalid property 'Name' was found in entity 'Microsoft.Dynamics.CRM.account'.",
    );
  });

  it.each([
    ['DELETE', 'accounts', 405],
    ['PATCH', 'accounts', 405],
    ['PUT', 'accounts(00000000-0000-0000-0000-000000000001)', 405],
    ['POST', 'accounts/$count', 405],
    ['GET', 'accounts(00000000-0000-0000-0000-000000000001)/name', 404],
    ['GET', 'accounts/foo', 404],
    ['GET', 'nosuchset', 404],
    ['POST', '$metadata', 405],
  ])('%s %s → %i', async (method, path, status) => {
    const res = await mock.api(method, path);
    expect(res.status).toBe(status);
    expect(res.json.error.code).toMatch(/^0x[0-9a-f]+$|^$/);
  });

  it('a non-JSON content type is 415', async () => {
    const res = await mock.api('POST', 'accounts', { body: 'name=x', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(415);
  });

  it('a body over the size limit is 413 and the server keeps serving', async () => {
    const res = await mock.api('POST', 'accounts', { body: { name: 'x', description: 'y'.repeat(5000) } });
    expect(res.status).toBe(413);
    expect((await mock.api('GET', 'WhoAmI')).status).toBe(200);
  });

  it('bad percent-encoding in the path and a bad key are 400s', async () => {
    const res = await request(`${mock.server.apiUrl}accounts(%E0%A4%A)`, {
      headers: { authorization: `Bearer ${mock.token}` },
    });
    expect(res.statusCode).toBe(400);
    await res.body.dump();
    expect((await mock.api('GET', "accounts(accountnumber='unterminated)")).status).toBe(400);
    expect((await mock.api('GET', 'accounts(,)')).status).toBe(400);
  });

  it('paths outside the Web API root are a JSON 404', async () => {
    const res = await mock.raw('GET', '/api/data/v8.0/accounts');
    expect(res.status).toBe(404);
    expect(res.json.error.message).toContain('No HTTP resource was found');
  });

  it('no response so far was a 500', async () => {
    const stats = (await mock.raw('GET', '/_mock/stats')).json;
    expect(stats.requests.byStatus['500']).toBeUndefined();
    expect(stats.requests.total).toBeGreaterThan(20);
  });
});
