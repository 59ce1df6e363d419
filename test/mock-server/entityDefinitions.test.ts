import { describe, expect, it } from 'vitest';
import { useMockServer } from '../helpers/useMockServer.js';
import { projectTableConfig } from '../helpers/projectTable.js';

describe('mock server: EntityDefinitions (table metadata), from the same definitions as the store', () => {
  const mock = useMockServer({
    config: projectTableConfig([
      { name: 'new_name', type: 'string', maxLength: 120 },
      { name: 'new_accountid', type: 'lookup', target: 'account' },
    ]),
  });

  it("finds a table's entity set, keys and type code by logical name, as discovery code asks", async () => {
    const res = await mock.api(
      'GET',
      "EntityDefinitions(LogicalName='account')?$select=LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,ObjectTypeCode",
    );
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({
      '@odata.context': `${mock.server.apiUrl}$metadata#EntityDefinitions/$entity`,
      MetadataId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/),
      LogicalName: 'account',
      EntitySetName: 'accounts',
      PrimaryIdAttribute: 'accountid',
      PrimaryNameAttribute: 'name',
      ObjectTypeCode: 1,
    });
    const byId = await mock.api('GET', `EntityDefinitions(${res.json.MetadataId as string})?$select=LogicalName`);
    expect(byId.json.LogicalName).toBe('account');
  });

  it('lists tables (custom ones included), filters by LogicalName, and expands or lists attributes', async () => {
    const all = await mock.api('GET', 'EntityDefinitions?$select=LogicalName,IsCustomEntity');
    expect(all.json.value.map((e: { LogicalName: string }) => e.LogicalName)).toContain('new_project');
    const one = await mock.api(
      'GET',
      `EntityDefinitions?$select=EntitySetName&$filter=${encodeURIComponent("LogicalName eq 'new_project'")}&$expand=Attributes($select=LogicalName,AttributeType,MaxLength,Targets)`,
    );
    expect(one.json.value).toHaveLength(1);
    const attributes = one.json.value[0].Attributes as Record<string, unknown>[];
    expect(attributes.find((a) => a.LogicalName === 'new_name')).toMatchObject({
      AttributeType: 'String',
      MaxLength: 120,
    });
    expect(attributes.find((a) => a.LogicalName === 'new_accountid')).toMatchObject({
      AttributeType: 'Lookup',
      Targets: ['account'],
    });
    const list = await mock.api(
      'GET',
      "EntityDefinitions(LogicalName='contact')/Attributes?$select=LogicalName,AttributeType",
    );
    expect(list.json.value).toContainEqual(
      expect.objectContaining({ LogicalName: 'parentcustomerid', AttributeType: 'Customer' }),
    );
    expect(list.json.value).toContainEqual(
      expect.objectContaining({ LogicalName: 'statecode', AttributeType: 'State' }),
    );
    const attribute = await mock.api(
      'GET',
      "EntityDefinitions(LogicalName='contact')/Attributes(LogicalName='fullname')",
    );
    expect(attribute.json).toMatchObject({
      '@odata.type': '#Microsoft.Dynamics.CRM.StringAttributeMetadata',
      MaxLength: 160,
      IsPrimaryName: true,
    });
  });

  it.each([
    ["EntityDefinitions(LogicalName='nosuch')", 404, ''],
    [
      "EntityDefinitions(LogicalName='account')?$select=DisplayName",
      400,
      "Could not find a property named 'DisplayName' on type 'Microsoft.Dynamics.CRM.EntityMetadata' (the dvbench mock serves",
    ],
    [
      "EntityDefinitions?$filter=startswith(LogicalName,'a')",
      400,
      "$filter on EntityDefinitions takes LogicalName eq '<name>'",
    ],
    ["EntityDefinitions(LogicalName='account')/Attributes(LogicalName='nosuch')", 404, ''],
  ])('%s → %i', async (path, status, message) => {
    const res = await mock.api('GET', path);
    expect(res.status).toBe(status);
    if (message !== '') expect(res.json.error.message).toContain(message);
  });
});
