import { beforeAll, describe, expect, it } from 'vitest';
import { parseMockConfig } from '../../mock-server/config/parseMockConfig.js';
import { projectTableConfig } from '../helpers/projectTable.js';
import { entityIdOf, useMockServer } from '../helpers/useMockServer.js';

const FV = 'OData.Community.Display.V1.FormattedValue';

describe('mock server: FormattedValue annotations (Prefer: odata.include-annotations)', () => {
  const mock = useMockServer({
    config: projectTableConfig([
      { name: 'new_name', type: 'string' },
      { name: 'new_phase', type: 'choice', options: [100, 200], labels: { '100': 'Planning', '200': 'Delivery' } },
      { name: 'new_open', type: 'bool', labels: { true: 'Open', false: 'Closed' } },
    ]),
  });
  let account = '';

  beforeAll(async () => {
    const contact = entityIdOf(
      await mock.api('POST', 'contacts', { body: { firstname: 'Ada', lastname: 'Lovelace' } }),
    );
    account = entityIdOf(
      await mock.api('POST', 'accounts', {
        body: {
          name: 'Formatted Ltd',
          revenue: 1234.5,
          numberofemployees: 1200,
          creditonhold: true,
          industrycode: 3,
          'primarycontactid@odata.bind': `/contacts(${contact})`,
        },
      }),
    );
  });

  const select = 'name,revenue,numberofemployees,creditonhold,industrycode,_primarycontactid_value,statecode,createdon';

  it('formats money, whole numbers, yes/no, state, dates and lookups, each annotation before its value', async () => {
    const res = await mock.api('GET', `accounts(${account})?$select=${select}`, {
      headers: { prefer: `odata.include-annotations="${FV}"` },
    });
    expect(res.status).toBe(200);
    const r = res.json as Record<string, unknown>;
    expect(r).toMatchObject({
      [`revenue@${FV}`]: '$1,234.50',
      [`numberofemployees@${FV}`]: '1,200',
      [`creditonhold@${FV}`]: 'Yes',
      [`statecode@${FV}`]: 'Active',
      [`_primarycontactid_value@${FV}`]: 'Ada Lovelace',
    });
    const created = new Date(r.createdon as string);
    const hours = created.getUTCHours();
    expect(r[`createdon@${FV}`]).toBe(
      `${created.getUTCMonth() + 1}/${created.getUTCDate()}/${created.getUTCFullYear()} ${hours % 12 || 12}:${String(created.getUTCMinutes()).padStart(2, '0')} ${hours < 12 ? 'AM' : 'PM'}`,
    );
    const keys = Object.keys(r);
    expect(keys.indexOf(`revenue@${FV}`)).toBe(keys.indexOf('revenue') - 1);
    // No labels are known for industrycode, and only FormattedValue was asked for.
    expect(r).not.toHaveProperty(`industrycode@${FV}`);
    expect(keys.filter((k) => k.includes('lookuplogicalname'))).toEqual([]);
  });

  it('"*" brings them with the lookup annotations, on queries and FetchXML too; no Prefer, none', async () => {
    const star = { prefer: 'odata.include-annotations="*"' };
    const listed = await mock.api('GET', `accounts?$select=${select}&$filter=name eq 'Formatted Ltd'`, {
      headers: star,
    });
    expect(listed.json.value[0]).toMatchObject({
      [`revenue@${FV}`]: '$1,234.50',
      '_primarycontactid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'contact',
    });
    const fetchXml = encodeURIComponent(
      '<fetch><entity name="account"><attribute name="name"/><attribute name="creditonhold"/></entity></fetch>',
    );
    const fetched = await mock.api('GET', `accounts?fetchXml=${fetchXml}`, { headers: star });
    expect(fetched.json.value[0]).toMatchObject({ [`creditonhold@${FV}`]: 'Yes' });
    const plain = await mock.api('GET', `accounts(${account})?$select=${select}`);
    expect(Object.keys(plain.json as object).filter((k) => k.includes('@OData.Community'))).toEqual([]);
  });

  it("a custom table's choice and yes/no labels come from its config", async () => {
    const id = entityIdOf(
      await mock.api('POST', 'new_projects', { body: { new_name: 'Apollo', new_phase: 200, new_open: false } }),
    );
    const res = await mock.api('GET', `new_projects(${id})?$select=new_phase,new_open`, {
      headers: { prefer: `odata.include-annotations="${FV}"` },
    });
    expect(res.json).toMatchObject({ [`new_phase@${FV}`]: 'Delivery', [`new_open@${FV}`]: 'Closed' });
  });

  it.each([
    [
      { name: 'c', type: 'choice', options: [1, 2], labels: { '3': 'Three' } },
      'tables[0].columns[0].labels.3: not a value of this column (1, 2)',
    ],
    [
      { name: 'b', type: 'bool', labels: { yes: 'Y' } },
      'tables[0].columns[0].labels.yes: not a value of this column (true, false)',
    ],
    [
      { name: 's', type: 'string', labels: { a: 'A' } },
      'tables[0].columns[0].labels: only for choice and bool columns',
    ],
  ])('labels that name no value are a config error: %j', (column, message) => {
    expect(() =>
      parseMockConfig({ tables: [{ logicalName: 'new_x', entitySetName: 'new_xs', columns: [column] }] }),
    ).toThrow(message);
  });
});
