import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { entityIdOf, useMockServer } from '../helpers/useMockServer.js';

describe('mock server: create, retrieve, update, upsert, delete', () => {
  const mock = useMockServer();

  it('answers with the headers a Dataverse client sees', async () => {
    const res = await mock.api('GET', 'WhoAmI');
    expect(res.status).toBe(200);
    expect(res.headers['odata-version']).toBe('4.0');
    expect(res.headers['content-type']).toBe('application/json; odata.metadata=minimal');
    expect(res.headers['x-ms-service-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.json).toMatchObject({
      '@odata.context': `${mock.server.apiUrl}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
      BusinessUnitId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      UserId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      OrganizationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('WhoAmI is GET only: POST is a 404 as in Dataverse', async () => {
    const res = await mock.api('POST', 'WhoAmI', { body: {} });
    expect(res.status).toBe(404);
    expect(res.json.error.message).toBe(
      `No HTTP resource was found that matches the request URI '${mock.server.apiUrl}WhoAmI'.`,
    );
  });

  it('creates with 204 and OData-EntityId, then retrieves by id', async () => {
    const created = await mock.api('POST', 'accounts', {
      body: { name: 'Contoso', accountnumber: 'C-1', revenue: 1000.5, numberofemployees: 12 },
    });
    expect(created.status).toBe(204);
    expect(created.text).toBe('');
    const id = entityIdOf(created);
    expect(created.headers['odata-entityid']).toBe(`${mock.server.apiUrl}accounts(${id})`);
    const got = await mock.api('GET', `accounts(${id})`);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({
      accountid: id,
      name: 'Contoso',
      accountnumber: 'C-1',
      revenue: 1000.5,
      numberofemployees: 12,
      statecode: 0,
      statuscode: 1,
    });
    expect(got.json['@odata.etag']).toMatch(/^W\/"\d+"$/);
    expect(got.headers.etag).toBe(got.json['@odata.etag']);
    expect(got.json.createdon).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(got.json.modifiedon).toBe(got.json.createdon);
    expect(got.json.versionnumber).toBeTypeOf('number');
    expect(got.json.description).toBeNull();
  });

  it('returns the record with 201 under Prefer: return=representation, honouring $select', async () => {
    const res = await mock.api('POST', 'accounts?$select=name,revenue', {
      body: { name: 'Rep', revenue: 5 },
      headers: { prefer: 'return=representation' },
    });
    expect(res.status).toBe(201);
    expect(res.headers['preference-applied']).toBe('return=representation');
    expect(Object.keys(res.json).sort()).toEqual(['@odata.context', '@odata.etag', 'accountid', 'name', 'revenue']);
    expect(res.json.name).toBe('Rep');
  });

  it('uses a client-supplied primary key, and a second create with it is a duplicate-key error', async () => {
    const id = randomUUID();
    const first = await mock.api('POST', 'accounts', { body: { accountid: id, name: 'Keyed' } });
    expect(first.status).toBe(204);
    expect(entityIdOf(first)).toBe(id);
    const second = await mock.api('POST', 'accounts', { body: { accountid: id, name: 'Keyed again' } });
    expect(second.status).toBe(412);
    expect(second.json.error.code).toBe('0x80040237');
    expect(second.json.error.message).toBe('Cannot insert duplicate key.');
  });

  it('retrieves by alternate key and by the named primary key', async () => {
    const id = entityIdOf(await mock.api('POST', 'accounts', { body: { name: 'Alt', accountnumber: "A-'1" } }));
    const byAlt = await mock.api('GET', `accounts(accountnumber='A-''1')?$select=name`);
    expect(byAlt.status).toBe(200);
    expect(byAlt.json).toMatchObject({ accountid: id, name: 'Alt' });
    const byNamed = await mock.api('GET', `accounts(accountid=${id})?$select=name`);
    expect(byNamed.json.accountid).toBe(id);
    const missing = await mock.api('GET', `accounts(accountnumber='nope')`);
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('0x80040217');
  });

  it('rejects keys that are not declared keys', async () => {
    const res = await mock.api('GET', `accounts(name='Contoso')`);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe(
      "The key in the request URI is not valid for resource 'Microsoft.Dynamics.CRM.account'. Ensure that the names and number of key properties match the declared or alternate key properties for the resource 'Microsoft.Dynamics.CRM.account'.",
    );
    expect((await mock.api('GET', 'accounts(not-a-guid)')).status).toBe(400);
  });

  it("a missing record is 404 0x80040217 with Dataverse's message", async () => {
    const id = randomUUID();
    for (const method of ['GET', 'DELETE']) {
      const res = await mock.api(method, `accounts(${id})`);
      expect(res.status).toBe(404);
      expect(res.json.error).toEqual({ code: '0x80040217', message: `account With Id = ${id} Does Not Exist` });
    }
  });

  it('PATCH is an upsert by default: creates a missing record (204), then updates it (204)', async () => {
    const id = randomUUID();
    const created = await mock.api('PATCH', `accounts(${id})`, { body: { name: 'Upserted' } });
    expect(created.status).toBe(204);
    expect(created.headers['odata-entityid']).toBe(`${mock.server.apiUrl}accounts(${id})`);
    const updated = await mock.api('PATCH', `accounts(${id})`, { body: { telephone1: '555' } });
    expect(updated.status).toBe(204);
    const got = await mock.api('GET', `accounts(${id})?$select=name,telephone1`);
    expect(got.json).toMatchObject({ name: 'Upserted', telephone1: '555' });
  });

  it('with return=representation an upsert answers 201 when it created and 200 when it updated', async () => {
    const id = randomUUID();
    const prefer = { prefer: 'return=representation' };
    expect((await mock.api('PATCH', `accounts(${id})`, { body: { name: 'x' }, headers: prefer })).status).toBe(201);
    const second = await mock.api('PATCH', `accounts(${id})?$select=name`, { body: { name: 'y' }, headers: prefer });
    expect(second.status).toBe(200);
    expect(second.json.name).toBe('y');
  });

  it('If-Match: * makes PATCH update-only (404 when missing)', async () => {
    const id = randomUUID();
    const res = await mock.api('PATCH', `accounts(${id})`, { body: { name: 'x' }, headers: { 'if-match': '*' } });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('0x80040217');
    expect((await mock.api('GET', `accounts(${id})`)).status).toBe(404);
  });

  it('If-None-Match: * makes PATCH create-only (412 when present)', async () => {
    const id = entityIdOf(await mock.api('POST', 'accounts', { body: { name: 'exists' } }));
    const res = await mock.api('PATCH', `accounts(${id})`, { body: { name: 'x' }, headers: { 'if-none-match': '*' } });
    expect(res.status).toBe(412);
    expect(res.json.error.message).toBe('A record with matching key values already exists.');
  });

  it('a stale If-Match ETag is 412 0x80060882; the current one updates', async () => {
    const id = entityIdOf(await mock.api('POST', 'accounts', { body: { name: 'v1' } }));
    const etag = (await mock.api('GET', `accounts(${id})`)).headers.etag as string;
    expect(
      (await mock.api('PATCH', `accounts(${id})`, { body: { name: 'v2' }, headers: { 'if-match': etag } })).status,
    ).toBe(204);
    const stale = await mock.api('PATCH', `accounts(${id})`, { body: { name: 'v3' }, headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
    expect(stale.json.error).toEqual({
      code: '0x80060882',
      message: "The version of the existing record doesn't match the RowVersion property provided.",
    });
    expect((await mock.api('GET', `accounts(${id})?$select=name`)).json.name).toBe('v2');
    const staleDelete = await mock.api('DELETE', `accounts(${id})`, { headers: { 'if-match': etag } });
    expect(staleDelete.status).toBe(412);
  });

  it('If-None-Match with the current ETag on GET is 304', async () => {
    const id = entityIdOf(await mock.api('POST', 'accounts', { body: { name: 'cached' } }));
    const etag = (await mock.api('GET', `accounts(${id})`)).headers.etag as string;
    expect((await mock.api('GET', `accounts(${id})`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await mock.api('GET', `accounts(${id})`, { headers: { 'if-none-match': 'null' } })).status).toBe(200);
  });

  it('a conditional GET asking for annotations is answered in full, never 304, with the lookup annotations', async () => {
    const contact = entityIdOf(await mock.api('POST', 'contacts', { body: { lastname: 'Reyes' } }));
    const id = entityIdOf(
      await mock.api('POST', 'accounts', {
        body: { name: 'annotated', 'primarycontactid@odata.bind': `/contacts(${contact})` },
      }),
    );
    const etag = (await mock.api('GET', `accounts(${id})`)).headers.etag as string;
    const res = await mock.api('GET', `accounts(${id})?$select=name,_primarycontactid_value`, {
      headers: { 'if-none-match': etag, prefer: 'odata.include-annotations="*"' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['preference-applied']).toBe('odata.include-annotations="*"');
    expect(res.json).toMatchObject({
      name: 'annotated',
      _primarycontactid_value: contact,
      '_primarycontactid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'contact',
    });
  });

  it('upsert by alternate key: creates with the URL key value, updates without changing keys', async () => {
    const url = `accounts(accountnumber='UPS-1')`;
    const created = await mock.api('PATCH', url, { body: { name: 'by key' } });
    expect(created.status).toBe(204);
    expect(created.headers['odata-entityid']).toBe(`${mock.server.apiUrl}${url}`);
    const got = await mock.api('GET', `${url}?$select=name,accountnumber`);
    expect(got.json).toMatchObject({ name: 'by key', accountnumber: 'UPS-1' });
    await mock.api('PATCH', url, { body: { name: 'renamed', accountnumber: 'CHANGED' } });
    const again = await mock.api('GET', `${url}?$select=name,accountnumber`);
    expect(again.json).toMatchObject({ accountid: got.json.accountid, name: 'renamed', accountnumber: 'UPS-1' });
  });

  it('an alternate key value already taken is a 412', async () => {
    await mock.api('POST', 'accounts', { body: { name: 'a', accountnumber: 'DUP-1' } });
    const res = await mock.api('POST', 'accounts', { body: { name: 'b', accountnumber: 'dup-1' } });
    expect(res.status).toBe(412);
    expect(res.json.error.code).toBe('0x80060892');
  });

  it('deletes with 204; the record is then gone', async () => {
    const id = entityIdOf(await mock.api('POST', 'accounts', { body: { name: 'doomed' } }));
    const del = await mock.api('DELETE', `accounts(${id})`);
    expect(del.status).toBe(204);
    expect((await mock.api('GET', `accounts(${id})`)).status).toBe(404);
  });

  it('computes contact.fullname and keeps it read-only', async () => {
    const id = entityIdOf(
      await mock.api('POST', 'contacts', { body: { firstname: 'Ada', lastname: 'Lovelace', fullname: 'ignored' } }),
    );
    expect((await mock.api('GET', `contacts(${id})?$select=fullname`)).json.fullname).toBe('Ada Lovelace');
    await mock.api('PATCH', `contacts(${id})`, { body: { lastname: 'King' } });
    expect((await mock.api('GET', `contacts(${id})?$select=fullname`)).json.fullname).toBe('Ada King');
  });
});

describe('mock server: repeated reads of a record', () => {
  const mock = useMockServer();

  it('answer from the latest version, in the shape each URL and Prefer header asks for', async () => {
    const created = await mock.api('POST', 'accounts', { body: { name: 'Before', revenue: 10 } });
    const id = entityIdOf(created);
    const first = await mock.api('GET', `accounts(${id})`);
    const again = await mock.api('GET', `accounts(${id})`);
    expect(again.text).toBe(first.text);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers['content-type']).toBe('application/json; odata.metadata=minimal');
    const selected = await mock.api('GET', `accounts(${id})?$select=name`);
    expect(Object.keys(selected.json as object).sort()).toEqual(['@odata.context', '@odata.etag', 'accountid', 'name']);
    const annotated = await mock.api('GET', `accounts(${id})`, {
      headers: { prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"' },
    });
    expect(annotated.json['revenue@OData.Community.Display.V1.FormattedValue']).toBe('$10.00');
    expect((await mock.api('GET', `accounts(${id})`)).text).toBe(first.text);
    expect((await mock.api('PATCH', `accounts(${id})`, { body: { name: 'After' } })).status).toBe(204);
    const updated = await mock.api('GET', `accounts(${id})`);
    expect(updated.json.name).toBe('After');
    expect(updated.headers.etag).not.toBe(first.headers.etag);
    expect((await mock.api('GET', `accounts(${id})?$select=name`)).json.name).toBe('After');
  });
});
