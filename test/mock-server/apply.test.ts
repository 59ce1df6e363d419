import { beforeAll, describe, expect, it } from 'vitest';
import { useMockServer } from '../helpers/useMockServer.js';

describe('mock server: $apply (groupby, aggregate, filter)', () => {
  const mock = useMockServer();

  beforeAll(async () => {
    await mock.reset();
    const rows = [
      { name: 'A', address1_city: 'Seattle', revenue: 100, numberofemployees: 5 },
      { name: 'B', address1_city: 'seattle', revenue: 300, numberofemployees: 5 },
      { name: 'C', address1_city: 'Berlin', revenue: 50, numberofemployees: 7 },
      { name: 'D', address1_city: null, revenue: null, numberofemployees: 9 },
    ];
    for (const body of rows) expect((await mock.api('POST', 'accounts', { body })).status).toBe(204);
  });

  const apply = (text: string) => mock.api('GET', `accounts?$apply=${encodeURIComponent(text)}`);

  it('groups by a column with sum, average, min, max, countdistinct and $count, ordered by the key', async () => {
    const res = await apply(
      'groupby((address1_city),aggregate(revenue with sum as total,revenue with average as avg,revenue with max as top,numberofemployees with countdistinct as sizes,$count as n))',
    );
    expect(res.status, res.text).toBe(200);
    expect(res.json['@odata.context']).toBe(
      `${mock.server.apiUrl}$metadata#accounts(address1_city,total,avg,top,sizes,n)`,
    );
    // Case-insensitive collation: Seattle and seattle are one group, as in Dataverse's SQL.
    expect(res.json.value).toEqual([
      { address1_city: null, total: 0, avg: null, top: null, sizes: 1, n: 1 },
      { address1_city: 'Berlin', total: 50, avg: 50, top: 50, sizes: 1, n: 1 },
      { address1_city: 'Seattle', total: 400, avg: 200, top: 300, sizes: 1, n: 2 },
    ]);
  });

  it('filter(…) first, then a whole-table aggregate', async () => {
    const res = await apply(
      'filter(revenue gt 60)/aggregate(revenue with sum as total,revenue with min as low,$count as n)',
    );
    expect(res.json.value).toEqual([{ total: 400, low: 100, n: 2 }]);
  });

  it.each([
    ['groupby(address1_city)', 'groupby takes a list of properties in parentheses'],
    ['aggregate(name with sum as s)', "sum needs a number column; 'name' is string"],
    ['aggregate(revenue with median as m)', "'median' is not an aggregation method"],
    ['compute(revenue mul 2 as r)', 'is not a transformation the dvbench mock serves'],
    ['groupby((nosuch))', "Could not find a property named 'nosuch'"],
  ])('$apply=%s → 400 naming the rule', async (text, message) => {
    const res = await apply(text);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain(message);
  });

  it('other query options beside $apply are refused', async () => {
    const res = await mock.api('GET', `accounts?$top=1&$apply=${encodeURIComponent('aggregate($count as n)')}`);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe("The query option '$top' cannot be combined with $apply in the dvbench mock.");
  });

  it('with FormattedValue asked for, each group key and aggregate carries it before the value, as Learn shows', async () => {
    const res = await mock.api(
      'GET',
      `accounts?$apply=${encodeURIComponent('groupby((statuscode),aggregate($count as count,revenue with sum as total))')}`,
      { headers: { Prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"' } },
    );
    expect(res.status, res.text).toBe(200);
    const group = res.json.value[0] as Record<string, unknown>;
    expect(Object.keys(group)).toEqual([
      'statuscode@OData.Community.Display.V1.FormattedValue',
      'statuscode',
      'count@OData.Community.Display.V1.FormattedValue',
      'count',
      'total@OData.Community.Display.V1.FormattedValue',
      'total',
    ]);
    expect(group).toMatchObject({
      statuscode: 1,
      'statuscode@OData.Community.Display.V1.FormattedValue': 'Active',
      count: 4,
      'count@OData.Community.Display.V1.FormattedValue': '4',
      total: 450,
      'total@OData.Community.Display.V1.FormattedValue': '$450.00',
    });
  });

  it('refuses groupby on a date and time column, as Dataverse does', async () => {
    const res = await apply('groupby((createdon))');
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain("groupby on the date and time column 'createdon' is not supported");
  });

  it('refuses to aggregate more than 50,000 records (AggregateQueryRecordLimit), and aggregates 50,000', async () => {
    await mock.seed({ account: 50_001 });
    const over = await apply('aggregate($count as n)');
    expect(over.status).toBe(400);
    expect(over.json.error.code).toBe('0x8004E023');
    const first = (await mock.api('GET', 'accounts?$select=accountid&$top=1')).json.value[0].accountid as string;
    const under = await apply(`filter(accountid ne ${first})/aggregate($count as n)`);
    expect(under.status, under.text).toBe(200);
    expect(under.json.value).toEqual([{ n: 50_000 }]);
  });
});
