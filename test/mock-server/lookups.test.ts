import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { entityIdOf, useMockServer } from '../helpers/useMockServer.js';

describe('mock server: lookups and @odata.bind', () => {
  const mock = useMockServer();

  async function account(accountnumber?: string): Promise<string> {
    return entityIdOf(
      await mock.api('POST', 'accounts', {
        body: { name: 'Parent', ...(accountnumber === undefined ? {} : { accountnumber }) },
      }),
    );
  }

  it.each([
    ['server-relative', (id: string) => `/accounts(${id})`],
    ['relative', (id: string) => `accounts(${id})`],
    ['absolute', (id: string) => `${mock.server.apiUrl}accounts(${id})`],
  ])('sets a lookup from a %s reference and returns it as _<lookup>_value', async (_kind, ref) => {
    const parent = await account();
    const id = entityIdOf(
      await mock.api('POST', 'contacts', {
        body: { lastname: 'Child', 'parentcustomerid_account@odata.bind': ref(parent) },
      }),
    );
    const got = await mock.api('GET', `contacts(${id})?$select=lastname,_parentcustomerid_value`);
    expect(got.json._parentcustomerid_value).toBe(parent);
  });

  it("sets a lookup by the target's alternate key", async () => {
    const parent = await account('BIND-ALT');
    const id = entityIdOf(
      await mock.api('POST', 'contacts', {
        body: { lastname: 'K', 'parentcustomerid_account@odata.bind': "/accounts(accountnumber='BIND-ALT')" },
      }),
    );
    expect((await mock.api('GET', `contacts(${id})`)).json._parentcustomerid_value).toBe(parent);
  });

  it('a missing target record fails the request and creates nothing', async () => {
    const before = (await mock.raw('GET', '/_mock/stats')).json.records.contact as number;
    const missing = randomUUID();
    const res = await mock.api('POST', 'contacts', {
      body: { lastname: 'Orphan', 'parentcustomerid_account@odata.bind': `/accounts(${missing})` },
    });
    expect(res.status).toBe(404);
    expect(res.json.error).toEqual({ code: '0x80040217', message: `account With Id = ${missing} Does Not Exist` });
    expect((await mock.raw('GET', '/_mock/stats')).json.records.contact).toBe(before);
  });

  it('binding with the column name instead of the navigation property fails as Dataverse does', async () => {
    const parent = await account();
    const res = await mock.api('POST', 'contacts', {
      body: { lastname: 'X', 'parentcustomerid@odata.bind': `/accounts(${parent})` },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('0x80048d19');
    expect(res.json.error.message).toContain(
      "An undeclared property 'parentcustomerid' which only has property annotations in the payload but no property value was found in the payload.",
    );
  });

  it('an update that binds null disassociates: the lookup is cleared, as Learn documents for PATCH', async () => {
    const parent = await account();
    const id = entityIdOf(
      await mock.api('POST', 'contacts', {
        body: { lastname: 'Leaving', 'parentcustomerid_account@odata.bind': `/accounts(${parent})` },
      }),
    );
    const cleared = await mock.api('PATCH', `contacts(${id})`, {
      body: { 'parentcustomerid_account@odata.bind': null },
      headers: { 'if-match': '*' },
    });
    expect(cleared.status, cleared.text).toBe(204);
    const got = await mock.api('GET', `contacts(${id})?$select=lastname,_parentcustomerid_value`);
    expect(got.json).toMatchObject({ lastname: 'Leaving', _parentcustomerid_value: null });
    const children = await mock.api('GET', `accounts(${parent})/contact_customer_accounts?$select=contactid`);
    expect(children.json.value).toEqual([]);
  });

  it('a null bind value on a create and a bind to the wrong table are 400s', async () => {
    const nullBind = await mock.api('POST', 'contacts', { body: { 'parentcustomerid_account@odata.bind': null } });
    expect(nullBind.status).toBe(400);
    expect(nullBind.json.error.message).toContain("'odata.bind' instance or property annotation has a null value");
    const contact = entityIdOf(await mock.api('POST', 'contacts', { body: { lastname: 'c' } }));
    const wrong = await mock.api('POST', 'contacts', {
      body: { 'parentcustomerid_account@odata.bind': `/contacts(${contact})` },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.code).toBe('0x80048d19');
  });

  it('polymorphic lookups take either target and say which with include-annotations', async () => {
    const parentContact = entityIdOf(await mock.api('POST', 'contacts', { body: { lastname: 'P' } }));
    const id = entityIdOf(
      await mock.api('POST', 'contacts', {
        body: { lastname: 'C', 'parentcustomerid_contact@odata.bind': `/contacts(${parentContact})` },
      }),
    );
    const got = await mock.api('GET', `contacts?$select=_parentcustomerid_value&$filter=contactid eq ${id}`, {
      headers: { prefer: 'odata.include-annotations="*"' },
    });
    expect(got.json.value[0]).toMatchObject({
      _parentcustomerid_value: parentContact,
      '_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'contact',
      '_parentcustomerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty': 'parentcustomerid_contact',
    });
  });

  it('$expand returns the related record with its own $select', async () => {
    const parent = entityIdOf(await mock.api('POST', 'accounts', { body: { name: 'Expanded', revenue: 9 } }));
    const id = entityIdOf(
      await mock.api('POST', 'contacts', {
        body: { lastname: 'E', 'parentcustomerid_account@odata.bind': `/accounts(${parent})` },
      }),
    );
    const got = await mock.api(
      'GET',
      `contacts(${id})?$select=lastname&$expand=parentcustomerid_account($select=name)`,
    );
    expect(got.status).toBe(200);
    expect(got.json.parentcustomerid_account).toEqual({
      '@odata.etag': expect.any(String),
      name: 'Expanded',
      accountid: parent,
    });
  });

  it('deleting a parent unlinks its contacts and cascades to quote lines', async () => {
    const parent = await account();
    const child = entityIdOf(
      await mock.api('POST', 'contacts', {
        body: { lastname: 'L', 'parentcustomerid_account@odata.bind': `/accounts(${parent})` },
      }),
    );
    const quote = entityIdOf(await mock.api('POST', 'quotes', { body: { name: 'Q' } }));
    const line = entityIdOf(
      await mock.api('POST', 'quotedetails', {
        body: { 'quoteid@odata.bind': `/quotes(${quote})`, quantity: 2, priceperunit: 3.5 },
      }),
    );
    expect((await mock.api('GET', `quotedetails(${line})?$select=extendedamount`)).json.extendedamount).toBe(7);
    await mock.api('DELETE', `accounts(${parent})`);
    expect((await mock.api('GET', `contacts(${child})`)).json._parentcustomerid_value).toBeNull();
    await mock.api('DELETE', `quotes(${quote})`);
    expect((await mock.api('GET', `quotedetails(${line})`)).status).toBe(404);
  });
});
