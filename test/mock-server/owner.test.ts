import { beforeAll, describe, expect, it } from 'vitest';
import { createRecord, useMockServer } from '../helpers/useMockServer.js';

/** `ownerid` on the user-owned standard tables: the caller owns what it creates; "my records" queries find it. */
describe('mock server: record ownership (ownerid)', () => {
  const mock = useMockServer();
  let me = '';
  let other = '';
  let otherToken = '';

  const create = (body: Record<string, unknown>, token?: string) => createRecord(mock, 'accounts', body, token);

  const whoAmI = async (token?: string) =>
    (await mock.api('GET', 'WhoAmI', token === undefined ? {} : { token })).json.UserId as string;

  beforeAll(async () => {
    await mock.reset();
    otherToken = await mock.getToken('other-app', 'other-secret');
    me = await whoAmI();
    other = await whoAmI(otherToken);
    expect(other).not.toBe(me);
    await create({ name: 'Mine 1' });
    await create({ name: 'Mine 2' });
    await create({ name: 'Theirs' }, otherToken);
  });

  it('a created record is owned by the caller, with the lookup annotations Dataverse gives ownerid', async () => {
    const res = await mock.api('GET', "accounts?$select=name,_ownerid_value&$filter=name eq 'Theirs'", {
      headers: { Prefer: 'odata.include-annotations="*"' },
    });
    expect(res.json.value[0]).toMatchObject({
      _ownerid_value: other,
      '_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'systemuser',
      '_ownerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty': 'ownerid',
    });
  });

  it('a body that names an owner keeps it; CreateMultiple and an upsert that creates set the caller', async () => {
    const pat = await createRecord(mock, 'systemusers', { firstname: 'Pat', lastname: 'Kim' });
    const named = await create({ name: 'Pat owns', 'ownerid@odata.bind': `/systemusers(${pat})` });
    const owner = await mock.api('GET', `accounts(${named})/ownerid?$select=fullname`);
    expect(owner.json).toMatchObject({ systemuserid: pat, fullname: 'Pat Kim' });
    const bulk = await mock.api('POST', 'accounts/Microsoft.Dynamics.CRM.CreateMultiple', {
      body: { Targets: [{ '@odata.type': 'Microsoft.Dynamics.CRM.account', name: 'Bulk' }] },
      token: otherToken,
    });
    expect(bulk.status, bulk.text).toBe(200);
    const bulkId = (bulk.json.Ids as string[])[0] ?? '';
    const upsertId = '5f2c1e0a-0000-4000-8000-000000000001';
    expect((await mock.api('PATCH', `accounts(${upsertId})`, { body: { name: 'Upserted' } })).status).toBe(204);
    expect((await mock.api('GET', `accounts(${bulkId})?$select=_ownerid_value`)).json._ownerid_value).toBe(other);
    expect((await mock.api('GET', `accounts(${upsertId})?$select=_ownerid_value`)).json._ownerid_value).toBe(me);
  });

  it("FetchXML eq-userid and ne-userid, and OData's EqualUserId, find the caller's records and the others", async () => {
    const fetchNames = async (operator: string, token?: string) => {
      const xml = `<fetch><entity name="account"><attribute name="name"/><order attribute="name"/><filter><condition attribute="name" operator="in"><value>Mine 1</value><value>Mine 2</value><value>Theirs</value></condition><condition attribute="ownerid" operator="${operator}"/></filter></entity></fetch>`;
      const res = await mock.api(
        'GET',
        `accounts?fetchXml=${encodeURIComponent(xml)}`,
        token === undefined ? {} : { token },
      );
      expect(res.status, res.text).toBe(200);
      return (res.json.value as { name: string }[]).map((r) => r.name);
    };
    expect(await fetchNames('eq-userid')).toEqual(['Mine 1', 'Mine 2']);
    expect(await fetchNames('ne-userid')).toEqual(['Theirs']);
    expect(await fetchNames('eq-userid', otherToken)).toEqual(['Theirs']);
    const odata = await mock.api(
      'GET',
      `accounts?$select=name&$orderby=name&$filter=${encodeURIComponent("Microsoft.Dynamics.CRM.EqualUserId(PropertyName='ownerid') and startswith(name,'Mine')")}`,
    );
    expect((odata.json.value as { name: string }[]).map((r) => r.name)).toEqual(['Mine 1', 'Mine 2']);
  });
});
