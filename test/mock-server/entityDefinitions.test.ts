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

  it('labels and requirement levels: derived from the schema name, the primary key system-required', async () => {
    const table = await mock.api(
      'GET',
      "EntityDefinitions(LogicalName='new_project')?$select=DisplayName,DisplayCollectionName",
    );
    expect(table.status).toBe(200);
    expect(table.json.DisplayName.UserLocalizedLabel).toMatchObject({ Label: 'Project', LanguageCode: 1033 });
    expect(table.json.DisplayCollectionName.LocalizedLabels[0].Label).toBe('Projects');
    const columns = await mock.api(
      'GET',
      "EntityDefinitions(LogicalName='account')/Attributes?$select=LogicalName,DisplayName,RequiredLevel&$filter=LogicalName eq 'accountid' or LogicalName eq 'primarycontactid'",
    );
    const byName = Object.fromEntries(
      (columns.json.value as { LogicalName: string; DisplayName: unknown; RequiredLevel: unknown }[]).map((c) => [
        c.LogicalName,
        c,
      ]),
    );
    expect(byName.accountid?.RequiredLevel).toEqual({
      Value: 'SystemRequired',
      CanBeChanged: false,
      ManagedPropertyLogicalName: 'canmodifyrequirementlevelsettings',
    });
    expect(byName.primarycontactid).toMatchObject({
      DisplayName: { UserLocalizedLabel: { Label: 'Primary Contact Id' } },
      RequiredLevel: { Value: 'None', CanBeChanged: true },
    });
  });

  it.each([
    ["EntityDefinitions(LogicalName='nosuch')", 404, ''],
    [
      "EntityDefinitions(LogicalName='account')?$select=OwnershipType",
      400,
      "Could not find a property named 'OwnershipType' on type 'Microsoft.Dynamics.CRM.EntityMetadata' (the dvbench mock serves",
    ],
    [
      "EntityDefinitions?$filter=startswith(LogicalName,'a')",
      400,
      "a metadata $filter with eq, ne, gt, ge, lt, le, and, or and not; 'startswith' is not among them",
    ],
    ["EntityDefinitions(LogicalName='account')/Attributes(LogicalName='nosuch')", 404, ''],
  ])('%s → %i', async (path, status, message) => {
    const res = await mock.api('GET', path);
    expect(res.status).toBe(status);
    if (message !== '') expect(res.json.error.message).toContain(message);
  });

  it("answers the choice columns' query Microsoft's Python SDK sends before every write (a derived-type cast, OptionSet expanded)", async () => {
    const res = await mock.api(
      'GET',
      "EntityDefinitions(LogicalName='account')/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata" +
        '?$select=LogicalName&$expand=OptionSet($select=Options)',
    );
    expect(res.status, res.text).toBe(200);
    expect(res.json['@odata.context']).toBe(
      `${mock.server.apiUrl}$metadata#EntityDefinitions(LogicalName='account')/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata`,
    );
    const byName = new Map(
      (res.json.value as { LogicalName: string; OptionSet: { Options: { Value: number; Label: any }[] } }[]).map(
        (a) => [a.LogicalName, a.OptionSet.Options],
      ),
    );
    // Only choices: statecode and statuscode are State and Status attributes, not Picklist.
    expect([...byName.keys()]).toEqual(['industrycode']);
    const options = byName.get('industrycode')!;
    expect(options.map((o) => o.Value)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(options[0]!.Label.UserLocalizedLabel).toMatchObject({ LanguageCode: 1033 });

    const states = await mock.api(
      'GET',
      "EntityDefinitions(LogicalName='account')/Attributes/Microsoft.Dynamics.CRM.StateAttributeMetadata?$select=LogicalName&$expand=OptionSet",
    );
    expect(states.json.value).toHaveLength(1);
    expect(states.json.value[0].OptionSet.Options.map((o: any) => [o.Value, o.Label.UserLocalizedLabel.Label])).toEqual(
      [
        [0, 'Active'],
        [1, 'Inactive'],
      ],
    );
    const strings = await mock.api(
      'GET',
      "EntityDefinitions(LogicalName='new_project')/Attributes/Microsoft.Dynamics.CRM.StringAttributeMetadata?$select=LogicalName,MaxLength",
    );
    expect(strings.json.value).toEqual([expect.objectContaining({ LogicalName: 'new_name', MaxLength: 120 })]);
    const one = await mock.api(
      'GET',
      "EntityDefinitions(LogicalName='account')/Attributes(LogicalName='industrycode')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$expand=OptionSet($select=Options)",
    );
    expect(one.json.OptionSet.Options).toHaveLength(10);
  });

  it('refuses a cast it does not know (404), an OptionSet on a type without one (400), and a cast the attribute is not of (404)', async () => {
    const unknown = await mock.api(
      'GET',
      "EntityDefinitions(LogicalName='account')/Attributes/Microsoft.Dynamics.CRM.NoSuchAttributeMetadata",
    );
    expect(unknown.status).toBe(404);
    const noOptions = await mock.api(
      'GET',
      "EntityDefinitions(LogicalName='account')/Attributes/Microsoft.Dynamics.CRM.StringAttributeMetadata?$expand=OptionSet",
    );
    expect(noOptions.status).toBe(400);
    expect(noOptions.json.error.message).toContain("Could not find a property named 'OptionSet'");
    const notOfType = await mock.api(
      'GET',
      "EntityDefinitions(LogicalName='account')/Attributes(LogicalName='name')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata",
    );
    expect(notOfType.status).toBe(404);
  });

  it('serves SchemaName on tables and attributes: the standard spellings, and a custom one from its prefix', async () => {
    const account = await mock.api(
      'GET',
      "EntityDefinitions(LogicalName='account')?$select=LogicalName,SchemaName&$expand=Attributes($select=LogicalName,SchemaName)",
    );
    expect(account.status, account.text).toBe(200);
    expect(account.json.SchemaName).toBe('Account');
    const byName = new Map(
      (account.json.Attributes as { LogicalName: string; SchemaName: string }[]).map((a) => [
        a.LogicalName,
        a.SchemaName,
      ]),
    );
    expect(byName.get('emailaddress1')).toBe('EMailAddress1');
    expect(byName.get('address1_city')).toBe('Address1_City');
    expect(byName.get('accountid')).toBe('AccountId');
    const custom = await mock.api('GET', "EntityDefinitions(LogicalName='new_project')?$select=SchemaName");
    expect(custom.json.SchemaName).toBe('new_Project');
  });
});
