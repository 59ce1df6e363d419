import { DynamicsWebApi } from 'dynamics-web-api';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { useMockServer } from '../helpers/useMockServer.js';

/**
 * The acceptance test for fidelity: DynamicsWebApi, an independent Dataverse client from npm,
 * used unchanged against the mock. It only learns the server URL and how to get a token.
 */
describe('mock server: an independent Dataverse client works unchanged', () => {
  const mock = useMockServer();

  function client(): DynamicsWebApi {
    return new DynamicsWebApi({
      serverUrl: mock.server.url,
      dataApi: { version: '9.2' },
      onTokenRefresh: async () => {
        // Where an app would call MSAL; here the mock's Entra-like token endpoint.
        const res = await request(`${mock.server.url}/contoso-tenant/oauth2/v2.0/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: 'dwa',
            client_secret: 'x',
            scope: `${mock.server.url}/.default`,
          }).toString(),
        });
        return ((await res.body.json()) as { access_token: string }).access_token;
      },
    });
  }

  it('authenticates, creates, retrieves by id and alternate key, updates, upserts and deletes', async () => {
    const api = client();
    const id = await api.create<{ name: string; accountnumber: string; revenue: number }, string>({
      collection: 'accounts',
      data: { name: 'DWA Ltd', accountnumber: 'DWA-1', revenue: 10 },
    });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const byId = await api.retrieve<{ name: string; revenue: number }>({
      collection: 'accounts',
      key: id,
      select: ['name', 'revenue'],
    });
    expect(byId).toMatchObject({ name: 'DWA Ltd', revenue: 10 });
    const byAlt = await api.retrieve<{ accountid: string }>({
      collection: 'accounts',
      key: "accountnumber='DWA-1'",
      select: ['name'],
    });
    expect(byAlt.accountid).toBe(id);

    await api.update({ collection: 'accounts', key: id, data: { revenue: 20 } });
    expect(
      (await api.retrieve<{ revenue: number }>({ collection: 'accounts', key: id, select: ['revenue'] })).revenue,
    ).toBe(20);

    await api.upsert({ collection: 'accounts', key: "accountnumber='DWA-2'", data: { name: 'Upserted by DWA' } });
    const upserted = await api.retrieve<{ name: string }>({
      collection: 'accounts',
      key: "accountnumber='DWA-2'",
      select: ['name'],
    });
    expect(upserted.name).toBe('Upserted by DWA');

    const deleted = await api.deleteRecord({ collection: 'accounts', key: id });
    expect(deleted).toBe(true);
    await expect(api.retrieve({ collection: 'accounts', key: id })).rejects.toMatchObject({ status: 404 });
  });

  it('pages through a filtered query and counts', async () => {
    await mock.seed({ account: 700 });
    const api = client();
    const filter = "contains(name,'o')";
    const all = await api.retrieveAll<{ name: string }>({
      collection: 'accounts',
      select: ['name'],
      filter,
      maxPageSize: 100,
    });
    const expected = Number((await mock.api('GET', `accounts/$count?$filter=${encodeURIComponent(filter)}`)).text);
    expect(expected).toBeGreaterThan(100);
    expect(all.value).toHaveLength(expected);
    expect(all.value.every((r) => r.name.toLowerCase().includes('o'))).toBe(true);
    const firstPage = await api.retrieveMultiple({
      collection: 'accounts',
      select: ['name'],
      maxPageSize: 50,
      count: true,
    });
    expect(firstPage.value).toHaveLength(50);
    expect(firstPage.oDataCount).toBe(700);
    expect(firstPage.oDataNextLink).toContain('$skiptoken=');
    expect(await api.count({ collection: 'accounts' })).toBe(700);
    expect(await api.countAll({ collection: 'accounts', filter, select: ['accountid'] })).toBe(expected);
  });

  it('its FetchXML calls page with the paging cookie, and fetchAll reads every page', async () => {
    await mock.reset();
    await mock.seed({ account: 230 });
    const api = client();
    const fetchXml =
      '<fetch count="100"><entity name="account"><attribute name="name"/><order attribute="name"/><filter><condition attribute="name" operator="like" value="%o%"/></filter></entity></fetch>';
    const expected = Number(
      (await mock.api('GET', `accounts/$count?$filter=${encodeURIComponent("contains(name,'o')")}`)).text,
    );
    expect(expected).toBeGreaterThan(100);
    const includeAnnotations = 'Microsoft.Dynamics.CRM.fetchxmlpagingcookie';
    const first = await api.fetch<{ name: string }>({ collection: 'accounts', fetchXml, includeAnnotations });
    expect(first.value).toHaveLength(100);
    expect(first.PagingInfo).toMatchObject({ page: 1, nextPage: 2 });
    const second = await api.fetch<{ name: string }>({
      collection: 'accounts',
      fetchXml,
      includeAnnotations,
      pageNumber: first.PagingInfo?.nextPage ?? 0,
      pagingCookie: first.PagingInfo?.cookie ?? '',
    });
    expect(second.value[0]?.name).not.toBe(first.value[0]?.name);
    const all = await api.fetchAll<{ name: string; accountid: string }>({
      collection: 'accounts',
      fetchXml,
      includeAnnotations,
    });
    expect(all.value).toHaveLength(expected);
    expect(new Set(all.value.map((r) => r.accountid)).size).toBe(expected);
    expect(all.value.every((r) => r.name.toLowerCase().includes('o'))).toBe(true);
  });

  it('its FetchXML calls take a <link-entity> join and an aggregate query', async () => {
    await mock.reset();
    await mock.seed({ contact: 20, account: 50 });
    const api = client();
    const joined = await api.fetch<Record<string, unknown>>({
      collection: 'accounts',
      fetchXml:
        '<fetch top="5"><entity name="account"><attribute name="name"/><order attribute="name"/><link-entity name="contact" from="contactid" to="primarycontactid" alias="pc"><attribute name="fullname"/></link-entity></entity></fetch>',
    });
    expect(joined.value).toHaveLength(5);
    for (const row of joined.value) expect(typeof row['pc.fullname']).toBe('string');
    const totals = await api.fetch<{ n: number }>({
      collection: 'accounts',
      fetchXml:
        '<fetch aggregate="true"><entity name="account"><attribute name="accountid" aggregate="count" alias="n"/></entity></fetch>',
    });
    expect(totals.value).toEqual([expect.objectContaining({ n: 50 })]);
  });

  it('reads $metadata (retrieveCsdlMetadata), RetrieveTotalRecordCount, and annotations on retrieveMultiple', async () => {
    await mock.reset();
    const api = client();
    const counts = await api.callFunction<{ EntityRecordCountCollection: { Keys: string[]; Values: number[] } }>({
      name: 'RetrieveTotalRecordCount',
      parameters: { EntityNames: ['account', 'contact'] },
    });
    expect(counts.EntityRecordCountCollection).toMatchObject({ Keys: ['account', 'contact'], Values: [0, 0] });
    const definition = await api.retrieveEntity<{ EntitySetName: string; PrimaryIdAttribute: string }>({
      key: "LogicalName='contact'",
      select: ['EntitySetName', 'PrimaryIdAttribute'],
    });
    expect(definition).toMatchObject({ EntitySetName: 'contacts', PrimaryIdAttribute: 'contactid' });
    const csdl = await api.retrieveCsdlMetadata();
    expect(csdl).toContain('<EntitySet Name="accounts" EntityType="Microsoft.Dynamics.CRM.account">');
    const contactId = await api.create<{ firstname: string; lastname: string }, string>({
      collection: 'contacts',
      data: { firstname: 'Ada', lastname: 'Lovelace' },
    });
    await api.create({
      collection: 'accounts',
      data: { name: 'Annotated', 'primarycontactid@odata.bind': `/contacts(${contactId})` },
    });
    const list = await api.retrieveMultiple<Record<string, unknown>>({
      collection: 'accounts',
      select: ['name', '_primarycontactid_value'],
      includeAnnotations: '*',
    });
    expect(list.value[0]).toMatchObject({
      name: 'Annotated',
      _primarycontactid_value: contactId,
      '_primarycontactid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'contact',
      '_primarycontactid_value@Microsoft.Dynamics.CRM.associatednavigationproperty': 'primarycontactid',
      '_primarycontactid_value@OData.Community.Display.V1.FormattedValue': 'Ada Lovelace',
    });
  });

  it('associates and disassociates through $ref: collection-valued and single-valued', async () => {
    await mock.reset();
    const api = client();
    const accountId = await api.create<{ name: string }, string>({ collection: 'accounts', data: { name: 'Ref Ltd' } });
    const opportunityId = await api.create<{ name: string }, string>({
      collection: 'opportunities',
      data: { name: 'Ref deal' },
    });
    const customer = async (): Promise<string | null> =>
      (
        await api.retrieve<{ _customerid_value: string | null }>({
          collection: 'opportunities',
          key: opportunityId,
          select: ['_customerid_value'],
        })
      )._customerid_value;

    await api.associate({
      collection: 'accounts',
      primaryKey: accountId,
      relationshipName: 'opportunity_customer_accounts',
      relatedCollection: 'opportunities',
      relatedKey: opportunityId,
    });
    expect(await customer()).toBe(accountId);
    const related = await api.retrieveMultiple<{ name: string }>({
      collection: `accounts(${accountId})/opportunity_customer_accounts`,
      select: ['name'],
    });
    expect(related.value.map((r) => r.name)).toEqual(['Ref deal']);
    await api.disassociate({
      collection: 'accounts',
      primaryKey: accountId,
      relationshipName: 'opportunity_customer_accounts',
      relatedKey: opportunityId,
    });
    expect(await customer()).toBeNull();

    await api.associateSingleValued({
      collection: 'opportunities',
      primaryKey: opportunityId,
      navigationProperty: 'customerid_account',
      relatedCollection: 'accounts',
      relatedKey: accountId,
    });
    expect(await customer()).toBe(accountId);
    await api.disassociateSingleValued({
      collection: 'opportunities',
      primaryKey: opportunityId,
      navigationProperty: 'customerid_account',
    });
    expect(await customer()).toBeNull();
  });

  it('its $batch support works unchanged: a changeset of creates, then a batch of reads', async () => {
    await mock.reset();
    const api = client();
    api.startBatch();
    void api.create({ collection: 'accounts', data: { name: 'DWA batch 1', accountnumber: 'DWAB-1' } });
    void api.create({ collection: 'accounts', data: { name: 'DWA batch 2' } });
    const created = await api.executeBatch();
    expect(created).toHaveLength(2);
    for (const id of created) expect(String(id)).toMatch(/[0-9a-f-]{36}/);
    expect(Number((await mock.api('GET', 'accounts/$count')).text)).toBe(2);

    api.startBatch();
    void api.retrieveMultiple({ collection: 'accounts', select: ['name'], filter: "startswith(name,'DWA batch')" });
    void api.retrieve({ collection: 'accounts', key: "accountnumber='DWAB-1'", select: ['name'] });
    const [list, one] = (await api.executeBatch({ inChangeSet: false })) as [
      { value: { name: string }[] },
      { name: string },
    ];
    expect(list.value.map((v) => v.name).sort()).toEqual(['DWA batch 1', 'DWA batch 2']);
    expect(one.name).toBe('DWA batch 1');
  });

  it('a failing changeset sent by it rolls back and surfaces the error', async () => {
    await mock.reset();
    const api = client();
    api.startBatch();
    void api.create({ collection: 'accounts', data: { name: 'rolled back' } });
    void api.create({ collection: 'accounts', data: { name: 'z'.repeat(161) } });
    await expect(api.executeBatch()).rejects.toBeDefined();
    expect(Number((await mock.api('GET', 'accounts/$count')).text)).toBe(0);
  });
});
