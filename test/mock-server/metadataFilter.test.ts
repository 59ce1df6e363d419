import { describe, expect, it } from 'vitest';
import { useMockServer } from '../helpers/useMockServer.js';

/** `$filter` on metadata collections, as table-discovery code and Microsoft's Python SDK send it. */
describe('mock server: $filter on EntityDefinitions, Attributes and RelationshipDefinitions', () => {
  const mock = useMockServer();

  const values = async (path: string) => {
    const res = await mock.api('GET', path);
    expect(res.status, res.text).toBe(200);
    return res.json.value as Record<string, unknown>[];
  };

  it('filters tables by their properties: eq, ne, booleans, and, or, not', async () => {
    const names = async (filter: string) =>
      (await values(`EntityDefinitions?$select=LogicalName&$filter=${encodeURIComponent(filter)}`))
        .map((t) => t.LogicalName)
        .sort();
    expect(await names("LogicalName eq 'contact'")).toEqual(['contact']);
    expect(await names("LogicalName eq 'account' or LogicalName eq 'quote'")).toEqual(['account', 'quote']);
    expect(await names('IsCustomEntity eq true')).toEqual([]);
    expect((await names("not (LogicalName eq 'account')")).includes('account')).toBe(false);
    expect((await names("LogicalName ne 'account'")).length).toBe((await names('IsCustomEntity eq false')).length - 1);
  });

  it('filters one table’s attributes, an enum member compared by its name', async () => {
    const attrs = await values(
      `EntityDefinitions(LogicalName='account')/Attributes?$select=LogicalName&$filter=${encodeURIComponent(
        "AttributeType eq Microsoft.Dynamics.CRM.AttributeTypeCode'Uniqueidentifier' or IsPrimaryName eq true",
      )}`,
    );
    expect(attrs.map((a) => a.LogicalName).sort()).toEqual(['accountid', 'name']);
  });

  it('finds a relationship by SchemaName (the SDK’s get_relationship) and by type', async () => {
    const byName = await values(
      `RelationshipDefinitions?$filter=${encodeURIComponent("SchemaName eq 'contact_customer_accounts'")}`,
    );
    expect(byName.map((r) => [r.SchemaName, r.ReferencingEntity, r.ReferencedEntity])).toEqual([
      ['contact_customer_accounts', 'contact', 'account'],
    ]);
    const all = await values('RelationshipDefinitions?$select=SchemaName');
    const oneToMany = await values(
      `RelationshipDefinitions?$select=SchemaName&$filter=${encodeURIComponent(
        "RelationshipType eq Microsoft.Dynamics.CRM.RelationshipType'OneToManyRelationship'",
      )}`,
    );
    expect(oneToMany.length).toBe(all.length);
    expect(all.length).toBeGreaterThan(3);
  });

  it.each([
    [
      "EntityDefinitions?$filter=Colour eq 'red'",
      "Could not find a property named 'Colour' on type 'Microsoft.Dynamics.CRM.EntityMetadata'",
    ],
    ["EntityDefinitions?$filter=contains(LogicalName,'acc')", "'contains' is not among them"],
    ['RelationshipDefinitions?$filter=SchemaName eq ReferencedEntity', 'compares a property with a value'],
    ["RelationshipDefinitions?$filter=SchemaName eq 'x' and", 'Syntax error'],
  ])('refuses %s with a 400 that names the rule', async (path, rule) => {
    const res = await mock.api('GET', path.replace(/ /g, '%20'));
    expect(res.status, res.text).toBe(400);
    expect(res.json.error.message).toContain(rule);
  });
});

/** Properties the mock derives from its own rules, so a metadata-driven client can decide what to send. */
describe('mock server: what a metadata-driven client reads before it writes', () => {
  const mock = useMockServer();

  it('says which attributes take a value on create and on update, by the mock’s own rules', async () => {
    const res = await mock.api(
      'GET',
      "EntityDefinitions(LogicalName='contact')/Attributes?$select=LogicalName,AttributeTypeName,IsValidForCreate,IsValidForUpdate,IsValidForRead,IsCustomAttribute",
    );
    expect(res.status, res.text).toBe(200);
    const byName = new Map((res.json.value as Record<string, unknown>[]).map((a) => [a.LogicalName, a]));
    expect(byName.get('contactid')).toMatchObject({
      AttributeTypeName: { Value: 'UniqueidentifierType' },
      IsValidForCreate: true,
      IsValidForUpdate: false,
    });
    expect(byName.get('fullname')).toMatchObject({
      IsValidForCreate: false,
      IsValidForUpdate: false,
      IsValidForRead: true,
    });
    expect(byName.get('lastname')).toMatchObject({
      AttributeTypeName: { Value: 'StringType' },
      IsValidForCreate: true,
      IsValidForUpdate: true,
    });
    expect(byName.get('parentcustomerid')).toMatchObject({
      AttributeTypeName: { Value: 'CustomerType' },
      IsCustomAttribute: false,
    });
    // What the metadata says is what the mock does: a value for a computed column does not stick.
    const write = await mock.api('POST', 'contacts?$select=fullname', {
      body: { firstname: 'Ada', lastname: 'Lovelace', fullname: 'Someone Else' },
      headers: { Prefer: 'return=representation' },
    });
    expect(write.status, write.text).toBe(201);
    expect(write.json.fullname).toBe('Ada Lovelace');
  });

  it('GlobalOptionSetDefinitions is empty: every choice the mock serves belongs to its column', async () => {
    const res = await mock.api('GET', 'GlobalOptionSetDefinitions');
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ value: [] });
    expect((await mock.api('GET', "GlobalOptionSetDefinitions(Name='account_industrycode')")).status).toBe(404);
    const local = await mock.api(
      'GET',
      "EntityDefinitions(LogicalName='account')/Attributes(LogicalName='industrycode')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=IsGlobal)",
    );
    expect(local.json.OptionSet).toMatchObject({ IsGlobal: false });
  });
});
