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
