import { describe, expect, it } from 'vitest';
import { projectTableConfig } from '../helpers/projectTable.js';
import { useMockServer } from '../helpers/useMockServer.js';

describe('mock server: relationship metadata, from the lookups of the same definitions as the store', () => {
  const mock = useMockServer({
    config: projectTableConfig([
      { name: 'new_name', type: 'string' },
      { name: 'new_accountid', type: 'lookup', target: 'account', navigationProperty: 'new_AccountId' },
    ]),
  });

  it('lists every one-to-many relationship, and finds one by SchemaName', async () => {
    const all = await mock.api('GET', 'RelationshipDefinitions');
    expect(all.status, all.text).toBe(200);
    const names = (all.json.value as { SchemaName: string }[]).map((r) => r.SchemaName);
    expect(names).toEqual(expect.arrayContaining(['contact_customer_accounts', 'opportunity_customer_accounts']));
    const one = await mock.api(
      'GET',
      "RelationshipDefinitions(SchemaName='contact_customer_accounts')?$select=ReferencedEntity,ReferencedAttribute,ReferencingEntity,ReferencingAttribute,ReferencingEntityNavigationPropertyName",
    );
    expect(one.status, one.text).toBe(200);
    expect(one.json).toMatchObject({
      ReferencedEntity: 'account',
      ReferencedAttribute: 'accountid',
      ReferencingEntity: 'contact',
      ReferencingAttribute: 'parentcustomerid',
      ReferencingEntityNavigationPropertyName: 'parentcustomerid_account',
    });
    const byId = await mock.api('GET', `RelationshipDefinitions(${one.json.MetadataId as string})?$select=SchemaName`);
    expect(byId.json.SchemaName).toBe('contact_customer_accounts');
    expect((await mock.api('GET', "RelationshipDefinitions(SchemaName='no_such')")).status).toBe(404);
    const manyToMany = await mock.api(
      'GET',
      'RelationshipDefinitions/Microsoft.Dynamics.CRM.ManyToManyRelationshipMetadata',
    );
    expect(manyToMany.json.value).toEqual([]);
  });

  it("answers a table's ManyToOne, OneToMany and ManyToMany relationships, custom ones marked", async () => {
    const contact = await mock.api(
      'GET',
      "EntityDefinitions(LogicalName='contact')/ManyToOneRelationships?$select=SchemaName,ReferencedEntity",
    );
    expect(contact.status, contact.text).toBe(200);
    expect(contact.json.value).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ SchemaName: 'contact_customer_accounts', ReferencedEntity: 'account' }),
        expect.objectContaining({ SchemaName: 'contact_customer_contacts', ReferencedEntity: 'contact' }),
      ]),
    );
    const account = await mock.api(
      'GET',
      "EntityDefinitions(LogicalName='account')/OneToManyRelationships?$select=SchemaName,ReferencingEntity,IsCustomRelationship",
    );
    const custom = (account.json.value as { ReferencingEntity: string; IsCustomRelationship: boolean }[]).filter(
      (r) => r.ReferencingEntity === 'new_project',
    );
    expect(custom).toEqual([expect.objectContaining({ IsCustomRelationship: true })]);
    expect(
      (account.json.value as { ReferencingEntity: string; IsCustomRelationship: boolean }[]).find(
        (r) => r.ReferencingEntity === 'contact',
      )?.IsCustomRelationship,
    ).toBe(false);
    const none = await mock.api('GET', "EntityDefinitions(LogicalName='account')/ManyToManyRelationships");
    expect(none.json.value).toEqual([]);
    const bad = await mock.api('GET', "EntityDefinitions(LogicalName='account')/OneToManyRelationships?$select=Nope");
    expect(bad.status).toBe(400);
  });
});
