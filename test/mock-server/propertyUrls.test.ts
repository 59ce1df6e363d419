import { describe, expect, it } from 'vitest';
import { useMockServer } from '../helpers/useMockServer.js';

// Microsoft Learn, "Retrieve a table row using the Web API" and "Update and delete table rows
// using the Web API": single property values by URL.
describe('mock server: single-property URLs', () => {
  const mock = useMockServer({});

  async function newAccount(body: Record<string, unknown>): Promise<string> {
    const res = await mock.api('POST', 'accounts', { body, headers: { Prefer: 'return=representation' } });
    expect(res.status).toBe(201);
    return res.json.accountid as string;
  }

  it('GET answers the value with its context, /$value the raw text, and a null value is 204', async () => {
    const id = await newAccount({ name: 'Adventure Works', revenue: 1250.5 });
    const name = await mock.api('GET', `accounts(${id})/name`);
    expect(name.status).toBe(200);
    expect(name.json).toEqual({
      '@odata.context': `${mock.server.apiUrl}$metadata#accounts(${id})/name`,
      value: 'Adventure Works',
    });
    expect((await mock.api('GET', `accounts(${id})/revenue`)).json.value).toBe(1250.5);
    const raw = await mock.api('GET', `accounts(${id})/name/$value`);
    expect([raw.status, raw.text, raw.headers['content-type']]).toEqual([
      200,
      'Adventure Works',
      'text/plain; charset=utf-8',
    ]);
    const empty = await mock.api('GET', `accounts(${id})/telephone1`);
    expect([empty.status, empty.text]).toEqual([204, '']);
  });

  it('PUT { value } updates that one column, DELETE clears it: both 204, the other columns kept', async () => {
    const id = await newAccount({ name: 'Contoso', telephone1: '555-0100' });
    expect((await mock.api('PUT', `accounts(${id})/name`, { body: { value: 'Contoso Ltd' } })).status).toBe(204);
    expect((await mock.api('DELETE', `accounts(${id})/telephone1`)).status).toBe(204);
    const after = await mock.api('GET', `accounts(${id})?$select=name,telephone1`);
    expect(after.json).toMatchObject({ name: 'Contoso Ltd', telephone1: null });
    // A new version, so conditional requests see the change.
    expect(after.json['@odata.etag']).not.toBe(undefined);
  });

  it('refuses what Dataverse refuses, with the place named, and changes nothing', async () => {
    const id = await newAccount({ name: 'Fabrikam' });
    const cases: [string, string, unknown, number, string][] = [
      ['GET', `accounts(${id})/nosuchcolumn`, undefined, 404, "segment 'nosuchcolumn'"],
      ['GET', `accounts(${id})/name/extra`, undefined, 404, "segment 'extra'"],
      ['PUT', `accounts(${id})/name`, { name: 'x' }, 400, 'one member, "value"'],
      ['PUT', `accounts(${id})/accountid`, { value: id }, 400, 'primary key'],
      ['PUT', `accounts(${id})/_primarycontactid_value`, { value: null }, 400, '@odata.bind'],
      ['PUT', `accounts(${id})/name/$value`, { value: 'x' }, 400, 'can be read, not written'],
      ['PUT', `accounts(${id})/revenue`, { value: 'not a number' }, 400, 'Edm.Decimal'],
      ['POST', `accounts(${id})/name`, { value: 'x' }, 405, "http method 'POST'"],
      ['PUT', 'accounts(00000000-0000-4000-8000-00000000dead)/name', { value: 'x' }, 404, 'Does Not Exist'],
    ];
    for (const [method, path, body, status, message] of cases) {
      const res = await mock.api(method, path, body === undefined ? {} : { body });
      expect([method, path, res.status], res.text).toEqual([method, path, status]);
      expect(res.json.error.message).toContain(message);
    }
    expect((await mock.api('GET', `accounts(${id})/name`)).json.value).toBe('Fabrikam');
    // A PUT to a missing record must not create it (unlike an upsert).
    expect((await mock.api('GET', 'accounts(00000000-0000-4000-8000-00000000dead)')).status).toBe(404);
  });
});
