import { beforeAll, describe, expect, it } from 'vitest';
import { useMockServer } from '../helpers/useMockServer.js';

/** Learn's "Use SQL to query data by using the Web API": the documented SELECT subset, over a socket. */
describe('mock server: SQL queries (?sql=)', () => {
  const mock = useMockServer();
  const accounts = [
    { name: 'Contoso', revenue: 100, numberofemployees: 10, address1_city: 'Seattle' },
    { name: 'Fabrikam', revenue: 300, numberofemployees: 30, address1_city: 'Seattle' },
    { name: 'Contoso East', revenue: 300, numberofemployees: 40, address1_city: null },
    { name: 'Northwind', revenue: null, numberofemployees: 50, address1_city: 'Berlin' },
    { name: "O'Neil", revenue: 50, numberofemployees: 5, address1_city: 'London' },
  ];

  beforeAll(async () => {
    await mock.reset();
    for (const a of accounts) expect((await mock.api('POST', 'accounts', { body: a })).status).toBe(204);
  });

  const sql = (text: string, set = 'accounts', extra = '') =>
    mock.api('GET', `${set}?sql=${encodeURIComponent(text)}${extra}`);

  async function rows(text: string): Promise<Record<string, unknown>[]> {
    const res = await sql(text);
    expect(res.status, res.text).toBe(200);
    return res.json.value as Record<string, unknown>[];
  }

  async function refused(text: string, set = 'accounts'): Promise<string> {
    const res = await sql(text, set);
    expect(res.status, res.text).toBe(400);
    const message = res.json.error.message as string;
    expect(message).toContain("The query option 'sql'");
    return message;
  }

  it('answers the columns asked for (and the primary key), like the equivalent OData query', async () => {
    const res = await sql("SELECT name FROM account AS a WHERE a.name LIKE 'Contoso%' ORDER BY name");
    expect(res.status).toBe(200);
    expect(res.json['@odata.context']).toMatch(/\$metadata#accounts\(name\)$/);
    const value = res.json.value as Record<string, unknown>[];
    expect(value.map((r) => r.name)).toEqual(['Contoso', 'Contoso East']);
    expect(Object.keys(value[0] ?? {}).sort()).toEqual(['@odata.etag', 'accountid', 'name']);
  });

  it('WHERE is a tree of column-operator-constant leaves: =, <>, <, >=, LIKE, IN, IS NULL, AND, OR, NOT, parentheses', async () => {
    const names = async (where: string) =>
      (await rows(`SELECT name FROM account WHERE ${where} ORDER BY name`)).map((r) => r.name);
    expect(await names('revenue = 300')).toEqual(['Contoso East', 'Fabrikam']);
    expect(await names('300 = revenue')).toEqual(['Contoso East', 'Fabrikam']);
    expect(await names('revenue <> 300')).toEqual(['Contoso', "O'Neil"]);
    expect(await names('numberofemployees >= 40')).toEqual(['Contoso East', 'Northwind']);
    expect(await names('10 < numberofemployees')).toEqual(['Contoso East', 'Fabrikam', 'Northwind']);
    expect(await names("name = 'O''Neil'")).toEqual(["O'Neil"]);
    expect(await names("address1_city IN ('Berlin', 'London')")).toEqual(['Northwind', "O'Neil"]);
    expect(await names("address1_city NOT IN ('Seattle')")).toEqual(['Northwind', "O'Neil"]);
    expect(await names('address1_city IS NULL')).toEqual(['Contoso East']);
    expect(await names('revenue IS NOT NULL AND NOT (revenue > 200 OR numberofemployees < 10)')).toEqual(['Contoso']);
    expect(await names("name NOT LIKE '%o%'")).toEqual(['Fabrikam']);
  });

  it('TOP limits the rows; column aliases rename the answer; a table alias qualifies columns', async () => {
    const top = await rows(
      'SELECT TOP 2 a.name AS account_name, revenue income FROM account a ORDER BY revenue DESC, name',
    );
    expect(top.map((r) => [r.account_name, r.income])).toEqual([
      ['Contoso East', 300],
      ['Fabrikam', 300],
    ]);
    expect(top[0]).not.toHaveProperty('name');
  });

  it('pages like an OData query: the next link carries sql and a skip token, and the pages add up', async () => {
    const first = await mock.api(
      'GET',
      `accounts?sql=${encodeURIComponent('SELECT name FROM account ORDER BY name')}`,
      {
        headers: { Prefer: 'odata.maxpagesize=2' },
      },
    );
    expect(first.status).toBe(200);
    const seen = (first.json.value as { name: string }[]).map((r) => r.name);
    let next = first.json['@odata.nextLink'] as string | undefined;
    expect(next).toContain('sql=');
    while (next !== undefined) {
      const page = await mock.api('GET', next, { headers: { Prefer: 'odata.maxpagesize=2' } });
      expect(page.status, page.text).toBe(200);
      seen.push(...(page.json.value as { name: string }[]).map((r) => r.name));
      next = page.json['@odata.nextLink'] as string | undefined;
    }
    expect(seen).toEqual(['Contoso', 'Contoso East', 'Fabrikam', 'Northwind', "O'Neil"]);
  });

  it.each([
    ['SELECT * FROM account', 'SELECT * is not supported'],
    ['SELECT a.* FROM account a', 'SELECT * is not supported'],
    ['SELECT name FROM account a JOIN contact c ON c.parentcustomerid = a.accountid', 'JOIN is not supported'],
    ['SELECT name, COUNT(accountid) FROM account GROUP BY name', 'functions (COUNT(…)) are not supported'],
    ['SELECT DISTINCT name FROM account', 'DISTINCT is not supported'],
    ['SELECT name FROM account WHERE revenue > numberofemployees', 'compares a column with a constant'],
    ['SELECT name FROM account WHERE accountid IN (SELECT accountid FROM account)', 'subqueries are not supported'],
    ['SELECT name FROM account; SELECT fullname FROM contact', 'one statement only'],
    ["DELETE FROM account WHERE name = 'Contoso'", 'only SELECT statements are supported; got DELETE'],
    ['SELECT nmae FROM account', "Invalid column name 'nmae'"],
    ['SELECT TOP x name FROM account', 'TOP takes an integer literal'],
    ["SELECT name FROM account WHERE name = 'open", 'is not closed'],
    ['SELECT name FROM account -- note', 'comments are not supported'],
  ])('refuses %s with a 400 naming sql and the construct', async (text, rule) => {
    expect(await refused(text)).toContain(rule);
  });

  it('the query reads the table of the entity set it is sent to, and takes no other query option', async () => {
    expect(await refused('SELECT fullname FROM contact')).toContain("reads 'contact', but was sent to accounts");
    const res = await sql('SELECT name FROM account', 'accounts', '&$top=1');
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain("'$top' cannot be combined with the query option 'sql'");
  });

  it('a refused query changes nothing: every account is still there', async () => {
    await refused("DELETE FROM account WHERE name = 'Contoso'");
    expect((await rows('SELECT name FROM account')).length).toBe(accounts.length);
  });
});
