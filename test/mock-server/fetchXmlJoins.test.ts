import { beforeAll, describe, expect, it } from 'vitest';
import { createRecord, useMockServer } from '../helpers/useMockServer.js';

/**
 * FetchXML's `<link-entity>` and `aggregate="true"`, as Microsoft Learn's "Join tables" and
 * "Aggregate data" pages show them, each answer checked against the same query in OData.
 */
describe('mock server: FetchXML joins and aggregates', () => {
  const mock = useMockServer();
  const ids: Record<string, string> = {};

  const create = (set: string, body: Record<string, unknown>) => createRecord(mock, set, body);

  beforeAll(async () => {
    await mock.reset();
    ids.ann = await create('contacts', { firstname: 'Ann', lastname: 'Lee', jobtitle: 'CEO' });
    ids.bob = await create('contacts', { firstname: 'Bob', lastname: 'Ray' });
    const pc = (who: string) => ({ 'primarycontactid@odata.bind': `/contacts(${ids[who] ?? ''})` });
    ids.a1 = await create('accounts', { name: 'A1', revenue: 100, address1_city: 'Seattle', ...pc('ann') });
    ids.a2 = await create('accounts', { name: 'A2', revenue: 300, address1_city: 'Seattle', ...pc('bob') });
    ids.a3 = await create('accounts', { name: 'A3', revenue: 300, address1_city: 'Berlin' });
    ids.a4 = await create('accounts', { name: 'A4', revenue: 50, address1_city: 'London', ...pc('ann') });
    const parent = (a: string) => ({ 'parentcustomerid_account@odata.bind': `/accounts(${ids[a] ?? ''})` });
    await create('contacts', { firstname: 'Cy', lastname: 'Doe', ...parent('a1') });
    await create('contacts', { firstname: 'Di', lastname: 'Fox', ...parent('a1') });
    await create('contacts', { firstname: 'Ed', lastname: 'Go', jobtitle: 'CFO', ...parent('a3') });
  });

  const fetchXml = (xml: string, headers: Record<string, string> = {}) =>
    mock.api('GET', `accounts?fetchXml=${encodeURIComponent(xml)}`, { headers });

  async function rows(xml: string): Promise<Record<string, unknown>[]> {
    const res = await fetchXml(xml);
    expect(res.status, res.text).toBe(200);
    return res.json.value as Record<string, unknown>[];
  }

  async function odataNames(query: string): Promise<string[]> {
    const res = await mock.api('GET', `accounts?$select=name&$orderby=name&${query}`);
    expect(res.status, res.text).toBe(200);
    return (res.json.value as { name: string }[]).map((r) => r.name);
  }

  const account = (inner: string, fetch = '<fetch>') =>
    `${fetch}<entity name="account"><attribute name="name"/><order attribute="name"/>${inner}</entity></fetch>`;
  const primaryContact = (inner: string, attributes = 'alias="pc"') =>
    `<link-entity name="contact" from="contactid" to="primarycontactid" ${attributes}>${inner}</link-entity>`;

  it('an inner many-to-one link keeps rows with the linked record and adds its columns as alias.column', async () => {
    const got = await rows(account(primaryContact('<attribute name="fullname"/><attribute name="jobtitle"/>')));
    expect(got.map((r) => r.name)).toEqual(await odataNames('$filter=_primarycontactid_value ne null'));
    expect(got.map((r) => r.name)).toEqual(['A1', 'A2', 'A4']);
    expect(got[0]).toMatchObject({ 'pc.fullname': 'Ann Lee', 'pc.jobtitle': 'CEO' });
    // A null linked column is left out, as the entity's own are.
    expect(got[1]).toMatchObject({ 'pc.fullname': 'Bob Ray' });
    expect(Object.keys(got[1] ?? {})).not.toContain('pc.jobtitle');
  });

  it("an inner link's filter narrows the rows as a filter on the navigation path does", async () => {
    const got = await rows(
      account(primaryContact('<filter><condition attribute="jobtitle" operator="eq" value="CEO"/></filter>')),
    );
    expect(got.map((r) => r.name)).toEqual(await odataNames("$filter=primarycontactid/jobtitle eq 'CEO'"));
    expect(got.map((r) => r.name)).toEqual(['A1', 'A4']);
  });

  it('an outer link keeps every row; its filter decides only which linked records show', async () => {
    const got = await rows(
      account(
        primaryContact(
          '<attribute name="fullname"/><filter><condition attribute="jobtitle" operator="eq" value="CEO"/></filter>',
          'alias="pc" link-type="outer"',
        ),
      ),
    );
    expect(got.map((r) => [r.name, r['pc.fullname'] ?? null])).toEqual([
      ['A1', 'Ann Lee'],
      ['A2', null],
      ['A3', null],
      ['A4', 'Ann Lee'],
    ]);
  });

  it('a condition naming an outer link by entityname finds rows without a related record', async () => {
    const got = await rows(
      account(
        `${primaryContact('', 'alias="pc" link-type="outer"')}<filter><condition entityname="pc" attribute="contactid" operator="null"/></filter>`,
      ),
    );
    expect(got.map((r) => r.name)).toEqual(await odataNames('$filter=_primarycontactid_value eq null'));
    expect(got.map((r) => r.name)).toEqual(['A3']);
  });

  it('a one-to-many link tests for related records, as any() does (exists, distinct inner, not any)', async () => {
    const cfo =
      '<link-entity name="contact" from="parentcustomerid" to="accountid" link-type="TYPE"><filter><condition attribute="jobtitle" operator="eq" value="CFO"/></filter></link-entity>';
    const any = await odataNames("$filter=contact_customer_accounts/any(c: c/jobtitle eq 'CFO')");
    expect(any).toEqual(['A3']);
    expect((await rows(account(cfo.replace('TYPE', 'exists')))).map((r) => r.name)).toEqual(any);
    expect((await rows(account(cfo.replace('TYPE', 'inner'), '<fetch distinct="true">'))).map((r) => r.name)).toEqual(
      any,
    );
    const none = await odataNames("$filter=not contact_customer_accounts/any(c: c/jobtitle eq 'CFO')");
    expect((await rows(account(cfo.replace('TYPE', 'not any')))).map((r) => r.name)).toEqual(none);
    expect(none).toEqual(['A1', 'A2', 'A4']);
  });

  it('orders by a linked column, and annotates linked values with the column they came from', async () => {
    const xml = `<fetch><entity name="account"><attribute name="name"/>${primaryContact(
      '<attribute name="fullname"/><order attribute="fullname" descending="true"/>',
    )}<order attribute="name"/></entity></fetch>`;
    const res = await fetchXml(xml, { Prefer: 'odata.include-annotations="*"' });
    expect(res.status, res.text).toBe(200);
    const got = res.json.value as Record<string, unknown>[];
    expect(got.map((r) => r.name)).toEqual(['A2', 'A1', 'A4']);
    expect(got[0]).toMatchObject({
      'pc.fullname': 'Bob Ray',
      'pc.fullname@OData.Community.Display.V1.AttributeName': 'fullname',
    });
  });

  it('aggregate="true" groups and aggregates as $apply does, ordered by an alias', async () => {
    const got = await rows(
      `<fetch aggregate="true"><entity name="account">
         <attribute name="address1_city" groupby="true" alias="city"/>
         <attribute name="revenue" aggregate="sum" alias="total"/>
         <attribute name="accountid" aggregate="count" alias="n"/>
         <attribute name="revenue" aggregate="avg" alias="mean"/>
         <attribute name="revenue" aggregate="max" alias="top"/>
         <order alias="total" descending="true"/><order alias="city"/></entity></fetch>`,
    );
    const apply = await mock.api(
      'GET',
      `accounts?$apply=${encodeURIComponent('groupby((address1_city),aggregate(revenue with sum as total,$count as n,revenue with average as mean,revenue with max as top))')}`,
    );
    const byCity = new Map((apply.json.value as { address1_city: string }[]).map((g) => [g.address1_city, g]));
    expect(got).toEqual([
      { city: 'Seattle', total: 400, n: 2, mean: 200, top: 300 },
      { city: 'Berlin', total: 300, n: 1, mean: 300, top: 300 },
      { city: 'London', total: 50, n: 1, mean: 50, top: 50 },
    ]);
    for (const g of got) expect(byCity.get(g.city as string)).toMatchObject({ total: g.total, n: g.n, mean: g.mean });
    const annotated = await fetchXml(
      '<fetch aggregate="true"><entity name="account"><attribute name="revenue" aggregate="sum" alias="total"/></entity></fetch>',
      { Prefer: 'odata.include-annotations="*"' },
    );
    expect(annotated.json.value).toEqual([
      { 'total@OData.Community.Display.V1.FormattedValue': '$750.00', total: 750 },
    ]);
  });

  it('groups by a linked column and counts values, distinct or not; count and page page the groups', async () => {
    const got = await rows(
      `<fetch aggregate="true"><entity name="account">
         <attribute name="accountid" aggregate="count" alias="n"/>
         ${primaryContact('<attribute name="fullname" groupby="true" alias="contact"/>', 'alias="pc" link-type="outer"')}
       </entity></fetch>`,
    );
    expect(got).toEqual([
      { contact: null, n: 1 },
      { contact: 'Ann Lee', n: 2 },
      { contact: 'Bob Ray', n: 1 },
    ]);
    const counts = await rows(
      `<fetch aggregate="true"><entity name="account">
         <attribute name="address1_city" aggregate="countcolumn" distinct="true" alias="cities"/>
         <attribute name="primarycontactid" aggregate="countcolumn" alias="linked"/>
         <attribute name="primarycontactid" aggregate="countcolumn" distinct="true" alias="contacts"/>
       </entity></fetch>`,
    );
    expect(counts).toEqual([{ cities: 3, linked: 3, contacts: 2 }]);
    const second = await rows(
      `<fetch aggregate="true" count="2" page="2"><entity name="account">
         <attribute name="address1_city" groupby="true" alias="city"/><attribute name="accountid" aggregate="count" alias="n"/>
         <order alias="city"/></entity></fetch>`,
    );
    expect(second).toEqual([{ city: 'Seattle', n: 2 }]);
  });

  it('refuses to aggregate more than 50,000 records, as Dataverse does, and aggregates a filtered 50,000', async () => {
    await mock.seed({ account: 50_001 });
    const count = (filter: string) =>
      fetchXml(
        `<fetch aggregate="true"><entity name="account"><attribute name="accountid" aggregate="count" alias="n"/>${filter}</entity></fetch>`,
      );
    const over = await count('');
    expect(over.status).toBe(400);
    expect(over.json.error).toMatchObject({
      code: '0x8004E023',
      message: expect.stringContaining('AggregateQueryRecordLimit'),
    });
    const ids = await mock.api('GET', 'accounts?$select=accountid&$orderby=accountid&$top=1');
    const first = (ids.json.value as { accountid: string }[])[0]?.accountid ?? '';
    const under = await count(`<filter><condition attribute="accountid" operator="ne" value="${first}"/></filter>`);
    expect(under.status, under.text).toBe(200);
    expect(under.json.value).toEqual([{ n: 50_000 }]);
  });
});
