import { beforeAll, describe, expect, it } from 'vitest';
import { useMockServer } from '../helpers/useMockServer.js';

/** What Microsoft Learn's "Use FetchXml to query data" shows, sent to the mock over a socket. */
describe('mock server: FetchXML queries (?fetchXml=)', () => {
  const mock = useMockServer();
  const accounts = [
    { name: 'Contoso Ltd', revenue: 100, numberofemployees: 10, address1_city: 'Seattle', creditonhold: true },
    { name: 'Fabrikam', revenue: 300, numberofemployees: 30, address1_city: 'Seattle', creditonhold: false },
    { name: 'contoso east', revenue: 300, numberofemployees: 40, address1_city: null, creditonhold: false },
    { name: 'Northwind', revenue: null, numberofemployees: 50, address1_city: 'Berlin', creditonhold: false },
    { name: 'Adventure Works', revenue: 50, numberofemployees: 5, address1_city: 'London', creditonhold: false },
  ];

  beforeAll(async () => {
    await mock.reset();
    for (const a of accounts) expect((await mock.api('POST', 'accounts', { body: a })).status).toBe(204);
  });

  const fetch = (xml: string, headers: Record<string, string> = {}, set = 'accounts') =>
    mock.api('GET', `${set}?fetchXml=${encodeURIComponent(xml)}`, { headers });

  async function names(xml: string): Promise<string[]> {
    const res = await fetch(xml);
    expect(res.status, res.text).toBe(200);
    return (res.json.value as { name: string }[]).map((r) => r.name);
  }

  async function odataNames(query: string): Promise<string[]> {
    const res = await mock.api('GET', `accounts?$select=name&${query}`);
    expect(res.status, res.text).toBe(200);
    return (res.json.value as { name: string }[]).map((r) => r.name);
  }

  it('selects attributes and leaves null columns out, as FetchXML results do', async () => {
    const res = await fetch(
      `<fetch><entity name="account"><attribute name="name"/><attribute name="revenue"/><attribute name="address1_city"/>
       <filter><condition attribute="name" operator="eq" value="contoso east"/></filter></entity></fetch>`,
    );
    expect(res.status).toBe(200);
    expect(res.json['@odata.context']).toBe(`${mock.server.apiUrl}$metadata#accounts(name,revenue,address1_city)`);
    expect(res.json.value).toHaveLength(1);
    const row = res.json.value[0] as Record<string, unknown>;
    expect(Object.keys(row).sort()).toEqual(['@odata.etag', 'accountid', 'name', 'revenue']);
    expect(row).toMatchObject({ name: 'contoso east', revenue: 300 });
  });

  it.each([
    [
      'and/or filters with orders',
      `<filter type="or"><condition attribute="address1_city" operator="eq" value="Seattle"/>
         <filter><condition attribute="revenue" operator="lt" value="100"/><condition attribute="creditonhold" operator="eq" value="0"/></filter></filter>
       <order attribute="revenue" descending="true"/><order attribute="name"/>`,
      "$filter=address1_city eq 'Seattle' or (revenue lt 100 and creditonhold eq false)&$orderby=revenue desc,name",
    ],
    [
      'like, begins-with and not-end-with',
      `<filter type="or"><condition attribute="name" operator="like" value="%tos_ Ltd"/>
         <condition attribute="name" operator="begins-with" value="north"/></filter>
       <filter><condition attribute="name" operator="not-end-with" value="ind"/></filter><order attribute="name"/>`,
      "$filter=(contains(name,'tos_ Ltd') and endswith(name,'tos_ Ltd') or startswith(name,'north')) and not endswith(name,'ind')&$orderby=name",
    ],
    [
      'in, null and not-null',
      `<filter><condition attribute="numberofemployees" operator="in"><value>10</value><value>40</value><value>50</value></condition>
         <condition attribute="address1_city" operator="not-null"/></filter><order attribute="name"/>`,
      "$filter=Microsoft.Dynamics.CRM.In(PropertyName='numberofemployees',PropertyValues=['10','40','50']) and address1_city ne null&$orderby=name",
    ],
    [
      'between and ne',
      `<filter><condition attribute="revenue" operator="between"><value>50</value><value>300</value></condition>
         <condition attribute="name" operator="ne" value="Fabrikam"/></filter><order attribute="name" descending="true"/>`,
      "$filter=Microsoft.Dynamics.CRM.Between(PropertyName='revenue',PropertyValues=['50','300']) and name ne 'Fabrikam'&$orderby=name desc",
    ],
  ])('%s: the same rows, in the same order, as the OData query', async (_name, body, odata) => {
    const fetched = await names(`<fetch><entity name="account"><attribute name="name"/>${body}</entity></fetch>`);
    expect(fetched.length).toBeGreaterThan(0);
    expect(fetched).toEqual(await odataNames(odata));
  });

  it('top limits the rows; count and page page them, with the paging cookie and morerecords when asked for', async () => {
    expect(
      await names(
        '<fetch top="2"><entity name="account"><attribute name="name"/><order attribute="name"/></entity></fetch>',
      ),
    ).toEqual(['Adventure Works', 'contoso east']); // case-insensitive, as Dataverse's collation

    const prefer = { prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.fetchxmlpagingcookie"' };
    const seen: string[] = [];
    let cookie: string | undefined;
    for (let page = 1; page <= 3; page++) {
      const pagingCookie = cookie === undefined ? '' : ` paging-cookie="${cookie.replace(/"/g, '&quot;')}"`;
      const res = await fetch(
        `<fetch count="2" page="${page}"${pagingCookie}><entity name="account"><attribute name="name"/><order attribute="name"/></entity></fetch>`,
        prefer,
      );
      expect(res.status, res.text).toBe(200);
      expect(res.headers['preference-applied']).toBe(prefer.prefer);
      seen.push(...(res.json.value as { name: string }[]).map((r) => r.name));
      const annotation = res.json['@Microsoft.Dynamics.CRM.fetchxmlpagingcookie'] as string | undefined;
      if (page < 3) {
        expect(res.json['@Microsoft.Dynamics.CRM.morerecords']).toBe(true);
        const m = /^<cookie pagenumber="(\d+)" pagingcookie="([^"]+)" istracking="False" \/>$/.exec(annotation ?? '');
        expect(m?.[1]).toBe(String(page + 1));
        cookie = decodeURIComponent(decodeURIComponent(m?.[2] ?? ''));
        expect(cookie).toMatch(
          new RegExp(
            `^<cookie page="${page}"><accountid last="\\{[0-9A-F-]{36}\\}" first="\\{[0-9A-F-]{36}\\}" /></cookie>$`,
          ),
        );
      } else {
        expect(annotation).toBeUndefined();
        expect(res.json['@Microsoft.Dynamics.CRM.morerecords']).toBeUndefined();
      }
    }
    expect(seen).toEqual(['Adventure Works', 'contoso east', 'Contoso Ltd', 'Fabrikam', 'Northwind']);

    // Without the annotations asked for, a page says nothing of the next.
    const plain = await fetch(
      '<fetch count="2" page="1"><entity name="account"><attribute name="name"/></entity></fetch>',
    );
    expect(Object.keys(plain.json).filter((k) => k.startsWith('@Microsoft'))).toEqual([]);
  });

  it('returntotalrecordcount gives the total and whether it passed 5000, with $count=true beside it', async () => {
    const res = await mock.api(
      'GET',
      `accounts?$count=true&fetchXml=${encodeURIComponent('<fetch returntotalrecordcount="true" count="1"><entity name="account"><attribute name="name"/></entity></fetch>')}`,
      { headers: { prefer: 'odata.include-annotations="*"' } },
    );
    expect(res.status).toBe(200);
    expect(res.json['@odata.count']).toBe(5);
    expect(res.json['@Microsoft.Dynamics.CRM.totalrecordcount']).toBe(5);
    expect(res.json['@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded']).toBe(false);
    expect(res.json.value).toHaveLength(1);
  });

  it.each([
    ['<fetch><entity name="account"><attribute name="name"></entity></fetch>', 'not well-formed XML'],
    ['<query/>', 'the root element must be <fetch>'],
    ['<fetch><entity name="contact"/></fetch>', "entity name 'contact' does not match the entity set 'accounts'"],
    ['<fetch><entity name="account"><attribute name="nosuch"/></entity></fetch>', "Name = 'nosuch'"],
    [
      '<fetch><entity name="account"><filter><condition attribute="revenue" operator="eq" value="lots"/></filter></entity></fetch>',
      'lots',
    ],
    [
      '<fetch><entity name="account"><filter><condition attribute="name" operator="eq"/></filter></entity></fetch>',
      "the 'eq' condition on 'name' needs a value attribute",
    ],
    ['<fetch top="2" page="1"><entity name="account"/></fetch>', 'top attribute cannot be combined'],
    [
      '<fetch><entity name="account"><link-entity name="contact" from="contactid" to="name"/></entity></fetch>',
      "does not follow a lookup between 'account' and 'contact'",
    ],
    [
      '<fetch><entity name="account"><link-entity name="contact" from="parentcustomerid" to="accountid"/></entity></fetch>',
      "without distinct='true'",
    ],
    [
      '<fetch><entity name="account"><link-entity name="contact" from="contactid" to="primarycontactid"><link-entity name="account" from="accountid" to="parentcustomerid"/></link-entity></entity></fetch>',
      'A <link-entity> inside a <link-entity> is not supported',
    ],
    [
      '<fetch><entity name="account"><filter><condition entityname="pc" attribute="fullname" operator="eq" value="x"/></filter></entity></fetch>',
      "entityname='pc', which is not the alias",
    ],
    ['<fetch><entity name="account"><link-entity name="nosuch" from="a" to="b"/></entity></fetch>', "'nosuch'"],
    ['<fetch aggregate="true"><entity name="account"/></fetch>', 'needs at least one aggregate or groupby'],
    [
      '<fetch aggregate="true"><entity name="account"><attribute name="revenue" aggregate="sum"/></entity></fetch>',
      'needs an alias',
    ],
    [
      '<fetch aggregate="true"><entity name="account"><attribute name="revenue" aggregate="median" alias="m"/></entity></fetch>',
      'aggregate= one of count, countcolumn, sum, avg, min, max',
    ],
    [
      '<fetch aggregate="true"><entity name="account"><attribute name="createdon" groupby="true" dategrouping="year" alias="y"/></entity></fetch>',
      'dategrouping is not supported',
    ],
    [
      '<fetch aggregate="true"><entity name="account"><attribute name="revenue" aggregate="sum" alias="t"/><order attribute="revenue"/></entity></fetch>',
      "names one of the attributes' aliases (t)",
    ],
    [
      '<fetch><entity name="account"><filter><condition attribute="nosuch" operator="eq-userid"/></filter></entity></fetch>',
      "Name = 'nosuch'",
    ],
    [
      '<fetch><entity name="account"><filter><condition attribute="name" operator="eq-userid"/></filter></entity></fetch>',
      "'name' is not a lookup or unique identifier column",
    ],
    [
      '<fetch><entity name="account"><filter><condition attribute="ownerid" operator="eq-useroruserhierarchy"/></filter></entity></fetch>',
      "The condition operator 'eq-useroruserhierarchy' is not supported",
    ],
    [
      // A name every object inherits is not an operator (it answered 200 with no rows).
      '<fetch><entity name="account"><filter><condition attribute="name" operator="constructor" value="x"/></filter></entity></fetch>',
      "The condition operator 'constructor' is not supported",
    ],
    [
      '<!DOCTYPE fetch [<!ENTITY x "aaaaaaaa">]><fetch><entity name="account"><attribute name="&x;"/></entity></fetch>',
      'Entity count',
    ],
  ])('%s → 400 naming the rule', async (xml, message) => {
    const res = await fetch(xml);
    expect(res.status, res.text).toBe(400);
    expect(res.json.error.message).toContain(message);
  });

  it("filters nested past the XML parser's depth limit are a 400, not a 500", async () => {
    const n = 2000;
    const res = await fetch(
      `<fetch><entity name="account">${'<filter>'.repeat(n)}<condition attribute="name" operator="null"/>${'</filter>'.repeat(n)}</entity></fetch>`,
    );
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain('the query is not well-formed XML: Maximum nested tags exceeded');
  });

  it('other query options beside fetchXml are refused', async () => {
    const res = await mock.api(
      'GET',
      `accounts?$top=1&fetchXml=${encodeURIComponent('<fetch><entity name="account"/></fetch>')}`,
    );
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe("The query option '$top' cannot be combined with fetchXml.");
  });
});
