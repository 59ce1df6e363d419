import { beforeAll, describe, expect, it } from 'vitest';
import { useMockServer } from '../helpers/useMockServer.js';

describe('mock server: queries', () => {
  const mock = useMockServer();
  const accounts = [
    {
      name: 'Contoso Ltd',
      accountnumber: 'Q-1',
      revenue: 100,
      numberofemployees: 10,
      address1_city: 'Seattle',
      creditonhold: true,
    },
    {
      name: "O'Brien & Sons",
      accountnumber: 'Q-2',
      revenue: 200,
      numberofemployees: 20,
      address1_city: 'London',
      creditonhold: false,
    },
    {
      name: 'Fabrikam',
      accountnumber: 'Q-3',
      revenue: 300,
      numberofemployees: 30,
      address1_city: 'Seattle',
      creditonhold: false,
    },
    {
      name: 'contoso east',
      accountnumber: 'Q-4',
      revenue: 300,
      numberofemployees: 40,
      address1_city: null,
      creditonhold: false,
    },
    {
      name: 'Northwind 50% off',
      accountnumber: 'Q-5',
      revenue: null,
      numberofemployees: 50,
      address1_city: 'Berlin',
      creditonhold: false,
    },
  ];

  beforeAll(async () => {
    await mock.reset();
    for (const a of accounts) await mock.api('POST', 'accounts', { body: a });
  });

  async function names(query: string): Promise<string[]> {
    const res = await mock.api('GET', `accounts?$select=name&${query}`);
    expect(res.status, res.text).toBe(200);
    return (res.json.value as { name: string }[]).map((r) => r.name);
  }

  it('returns a collection with @odata.context naming the selection, and only selected columns plus the key', async () => {
    const res = await mock.api('GET', 'accounts?$select=name,revenue&$top=1');
    expect(res.json['@odata.context']).toBe(`${mock.server.apiUrl}$metadata#accounts(name,revenue)`);
    expect(Object.keys(res.json.value[0]).sort()).toEqual(['@odata.etag', 'accountid', 'name', 'revenue']);
  });

  it.each([
    ['revenue eq 300', ['Fabrikam', 'contoso east']],
    ['revenue ne 300', ['Contoso Ltd', "O'Brien & Sons"]],
    ['revenue gt 100 and revenue le 300', ["O'Brien & Sons", 'Fabrikam', 'contoso east']],
    ['revenue ge 300 or numberofemployees lt 20', ['Contoso Ltd', 'Fabrikam', 'contoso east']],
    ['not (revenue eq 300)', ['Contoso Ltd', "O'Brien & Sons"]],
    ['revenue eq null', ['Northwind 50% off']],
    ["address1_city ne null and (address1_city eq 'seattle')", ['Contoso Ltd', 'Fabrikam']],
    ["contains(name,'CONTOSO')", ['Contoso Ltd', 'contoso east']],
    ["startswith(name,'fab')", ['Fabrikam']],
    ["endswith(name,'off')", ['Northwind 50% off']],
    ["contains(name,'50[%]')", ['Northwind 50% off']],
    ["startswith(name,'c_nt')", ['Contoso Ltd', 'contoso east']],
    ["not contains(name,'o')", ['Fabrikam']],
    ["name eq 'O''Brien & Sons'", ["O'Brien & Sons"]],
    ['creditonhold', ['Contoso Ltd']],
    ['creditonhold eq false and numberofemployees gt 25', ['Fabrikam', 'contoso east', 'Northwind 50% off']],
    [
      "Microsoft.Dynamics.CRM.In(PropertyName='accountnumber',PropertyValues=['Q-1','Q-3'])",
      ['Contoso Ltd', 'Fabrikam'],
    ],
    [
      'Microsoft.Dynamics.CRM.Between(PropertyName=\'numberofemployees\',PropertyValues=["20","30"])',
      ["O'Brien & Sons", 'Fabrikam'],
    ],
  ])('$filter=%s', async (filter, expected) => {
    expect((await names(`$filter=${encodeURIComponent(filter)}&$orderby=accountnumber`)).sort()).toEqual(
      [...expected].sort(),
    );
  });

  it('filters on unquoted datetime literals and relative date functions', async () => {
    expect(await names(`$filter=${encodeURIComponent('createdon ge 2000-01-01T00:00:00.000Z')}`)).toHaveLength(5);
    expect(await names(`$filter=${encodeURIComponent('createdon lt 2000-01-01')}`)).toHaveLength(0);
    expect(
      await names(`$filter=${encodeURIComponent("Microsoft.Dynamics.CRM.Today(PropertyName='createdon')")}`),
    ).toHaveLength(5);
    expect(
      await names(`$filter=${encodeURIComponent("Microsoft.Dynamics.CRM.LastMonth(PropertyName='createdon')")}`),
    ).toHaveLength(0);
  });

  it('filters by lookup value', async () => {
    const parent = (await mock.api('GET', "accounts(accountnumber='Q-1')")).json.accountid as string;
    await mock.api('POST', 'contacts', {
      body: { lastname: 'Linked', 'parentcustomerid_account@odata.bind': `/accounts(${parent})` },
    });
    const res = await mock.api('GET', `contacts?$select=lastname&$filter=_parentcustomerid_value eq ${parent}`);
    expect(res.json.value.map((c: { lastname: string }) => c.lastname)).toEqual(['Linked']);
    const nav = await mock.api(
      'GET',
      `contacts?$select=lastname&$filter=${encodeURIComponent("parentcustomerid_account/accountnumber eq 'Q-1'")}`,
    );
    expect(nav.json.value).toHaveLength(1);
  });

  it('orders by several keys, asc and desc, stably', async () => {
    // Strings order case-insensitively, as SQL Server's default collation does.
    expect(await names('$orderby=revenue desc,name asc')).toEqual([
      'contoso east',
      'Fabrikam',
      "O'Brien & Sons",
      'Contoso Ltd',
      'Northwind 50% off',
    ]);
    expect(await names('$orderby=address1_city,numberofemployees desc')).toEqual([
      'contoso east',
      'Northwind 50% off',
      "O'Brien & Sons",
      'Fabrikam',
      'Contoso Ltd',
    ]);
  });

  it('$top limits rows; $count=true adds @odata.count; /$count answers plain text', async () => {
    const res = await mock.api('GET', '$top=2&$count=true'.replace(/^/, 'accounts?'));
    expect(res.json.value).toHaveLength(2);
    expect(res.json['@odata.count']).toBe(5);
    expect(res.json['@odata.nextLink']).toBeUndefined();
    const count = await mock.api('GET', `accounts/$count?$filter=${encodeURIComponent('revenue ge 200')}`);
    expect(count.status).toBe(200);
    expect(count.headers['content-type']).toBe('text/plain');
    expect(count.text).toBe('3');
  });

  it.each([
    ['$skip=1', "The query parameter '$skip' is not supported."],
    ['$search=x', "The query parameter '$search' is not supported."],
    ['$format=json', "The query parameter '$format' is not supported."],
    ['$top=-1', "Invalid value '-1' for $top query option found."],
    ['$select=nosuch', "Could not find a property named 'nosuch' on type 'Microsoft.Dynamics.CRM.account'."],
    ['$orderby=nosuch', "Could not find a property named 'nosuch' on type 'Microsoft.Dynamics.CRM.account'."],
    ['$filter=nosuch eq 1', "Could not find a property named 'nosuch' on type 'Microsoft.Dynamics.CRM.account'."],
    ["$filter=name eqq 'x'", "Syntax error at position 5 in 'name eqq 'x''."],
    ["$filter=name eq 'x", "There is an unterminated literal at position 10 in 'name eq 'x'."],
    [
      "$filter=revenue eq 'x'",
      "A binary operator with incompatible types was detected. Found operand types 'Edm.Decimal' and 'Edm.String' for operator kind 'Equal'.",
    ],
    [
      '$filter=nosuchfn(name)',
      "An unknown function with name 'nosuchfn' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.",
    ],
    ['$top=1&$top=2', "Query option '$top' was specified more than once, but it must be specified at most once."],
    ['$expand=nosuch', "Could not find a property named 'nosuch' on type 'Microsoft.Dynamics.CRM.account'."],
  ])('rejects %s with a 400 naming the problem', async (query, message) => {
    const [name, ...rest] = query.split('=');
    const encoded = query.includes('&') ? query : `${name ?? ''}=${encodeURIComponent(rest.join('='))}`;
    const res = await mock.api('GET', `accounts?${encoded}`);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe(message);
  });

  it('an unknown entity set is 404 "Resource not found for the segment"', async () => {
    const res = await mock.api('GET', 'Accounts');
    expect(res.status).toBe(404);
    expect(res.json.error).toEqual({ code: '0x8006088a', message: "Resource not found for the segment 'Accounts'." });
  });
});

describe('mock server: paging', () => {
  const mock = useMockServer();

  beforeAll(async () => {
    await mock.seed({ account: 1234 });
  });

  async function pageThrough(
    first: string,
    pageSize: number,
    between?: (page: number) => Promise<void>,
  ): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let url: string | undefined = first;
    let pages = 0;
    while (url !== undefined) {
      const res = await mock.api('GET', url, { headers: { prefer: `odata.maxpagesize=${pageSize}` } });
      expect(res.status, res.text).toBe(200);
      expect(res.headers['preference-applied']).toBe(`odata.maxpagesize=${pageSize}`);
      pages++;
      const value = res.json.value as { accountid: string }[];
      expect(value.length).toBeLessThanOrEqual(pageSize);
      ids.push(...value.map((r) => r.accountid));
      url = res.json['@odata.nextLink'] as string | undefined;
      if (url !== undefined) {
        expect(url).toContain('$skiptoken=');
        expect(decodeURIComponent(url)).toMatch(/<cookie pagenumber="\d+" pagingcookie="[^"]+" istracking="False" \/>/);
      }
      if (between !== undefined) await between(pages);
    }
    return { ids, pages };
  }

  it('pages with odata.maxpagesize and @odata.nextLink, each record once', async () => {
    const { ids, pages } = await pageThrough('accounts?$select=name', 100);
    expect(pages).toBe(13);
    expect(ids).toHaveLength(1234);
    expect(new Set(ids).size).toBe(1234);
  });

  it('pages through a filtered, ordered query', async () => {
    const all = await mock.api('GET', `accounts/$count?$filter=${encodeURIComponent('numberofemployees gt 5000')}`);
    const { ids } = await pageThrough(
      `accounts?$select=name,numberofemployees&$filter=${encodeURIComponent('numberofemployees gt 5000')}&$orderby=numberofemployees desc`,
      50,
    );
    expect(ids).toHaveLength(Number(all.text));
  });

  it('never repeats or skips a record when records are created and deleted between pages', async () => {
    const before = await pageThrough('accounts?$select=accountid', 5000);
    const initial = new Set(before.ids);
    const deleted = new Set<string>();
    const sorted = [...before.ids].sort();
    const { ids } = await pageThrough('accounts?$select=accountid', 100, async (page) => {
      // Delete one record not yet read and one already read, and add two new ones.
      const victim = sorted[sorted.length - page * 7];
      if (victim !== undefined) {
        await mock.api('DELETE', `accounts(${victim})`);
        deleted.add(victim);
      }
      await mock.api('POST', 'accounts', { body: { name: `between ${page}a` } });
      await mock.api('POST', 'accounts', {
        body: { accountid: `00000000-0000-4000-8000-${String(page).padStart(12, '0')}`, name: `between ${page}b` },
      });
    });
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of initial) if (!deleted.has(id)) expect(ids).toContain(id);
  });

  it('the default page size is 5000 and $top is ignored under odata.maxpagesize', async () => {
    await mock.seed({ account: 5001 }, 2);
    const res = await mock.api('GET', 'accounts?$select=name');
    expect(res.json.value).toHaveLength(5000);
    expect(res.json['@odata.nextLink']).toBeDefined();
    const withTop = await mock.api('GET', 'accounts?$select=name&$top=3', {
      headers: { prefer: 'odata.maxpagesize=10' },
    });
    expect(withTop.json.value).toHaveLength(10);
    const count = await mock.api('GET', 'accounts?$select=name&$count=true&$top=1');
    expect(count.json['@odata.count']).toBe(5000);
    expect(count.json).not.toHaveProperty('@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded');
    const annotated = await mock.api('GET', 'accounts?$select=name&$count=true&$top=1', {
      headers: { prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.totalrecordcount"' },
    });
    expect(annotated.json).toMatchObject({
      '@odata.count': 5000,
      '@Microsoft.Dynamics.CRM.totalrecordcount': 5000,
      '@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded': true,
    });
  });

  it('a tampered skip token is a 400', async () => {
    const res = await mock.api(
      'GET',
      `accounts?$skiptoken=${encodeURIComponent('<cookie pagenumber="2" pagingcookie="garbage" istracking="False" />')}`,
    );
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain('$skiptoken');
  });
});
