import { describe, expect, it } from 'vitest';
import { useMockServer } from '../helpers/useMockServer.js';

/** Learn's "Query schema definitions": RetrieveMetadataChanges with an EntityQueryExpression and version stamps. */
describe('mock server: RetrieveMetadataChanges', () => {
  const mock = useMockServer();

  const query = {
    Criteria: {
      FilterOperator: 'Or',
      Conditions: [
        {
          PropertyName: 'LogicalName',
          ConditionOperator: 'Equals',
          Value: { Type: 'System.String', Value: 'account' },
        },
        {
          PropertyName: 'LogicalName',
          ConditionOperator: 'Equals',
          Value: { Type: 'System.String', Value: 'contact' },
        },
      ],
    },
    Properties: { AllProperties: false, PropertyNames: ['SchemaName', 'Attributes'] },
    AttributeQuery: {
      Properties: { AllProperties: false, PropertyNames: ['LogicalName'] },
      Criteria: {
        Conditions: [
          {
            PropertyName: 'IsValidForCreate',
            ConditionOperator: 'Equals',
            Value: { Type: 'System.Boolean', Value: 'true' },
          },
        ],
      },
    },
  };

  const ask = (q: unknown, stamp?: string) =>
    mock.api(
      'GET',
      `RetrieveMetadataChanges(Query=@q${stamp === undefined ? '' : ',ClientVersionStamp=@v'})?@q=${encodeURIComponent(JSON.stringify(q))}${
        stamp === undefined ? '' : `&@v=${encodeURIComponent(`'${stamp}'`)}`
      }`,
    );

  it('answers the tables, properties and attributes the query selects, and a stamp to ask again with', async () => {
    const res = await ask(query);
    expect(res.status, res.text).toBe(200);
    expect(res.json['@odata.context']).toMatch(/Microsoft\.Dynamics\.CRM\.RetrieveMetadataChangesResponse$/);
    const tables = res.json.EntityMetadata as { SchemaName: string; Attributes: { LogicalName: string }[] }[];
    expect(tables.map((t) => t.SchemaName).sort()).toEqual(['Account', 'Contact']);
    expect(Object.keys(tables[0] ?? {}).sort()).toEqual(['Attributes', 'MetadataId', 'SchemaName']);
    const contact = tables.find((t) => t.SchemaName === 'Contact');
    const names = contact?.Attributes.map((a) => a.LogicalName) ?? [];
    expect(names).toContain('lastname');
    expect(names).not.toContain('fullname');
    expect(names).not.toContain('createdon');
    expect(typeof res.json.ServerVersionStamp).toBe('string');
  });

  it('with the stamp it gave, answers no changes; a stamp it did not give is the expired-stamp error', async () => {
    const first = await ask(query);
    const stamp = first.json.ServerVersionStamp as string;
    const again = await ask(query, stamp);
    expect(again.status, again.text).toBe(200);
    expect(again.json).toMatchObject({ EntityMetadata: [], ServerVersionStamp: stamp });
    const stale = await ask(query, '123!01/01/2020 00:00:00');
    expect(stale.status).toBe(400);
    expect(stale.json.error.code).toBe('0x80044352');
  });

  it.each([
    [
      { Criteria: { Conditions: [{ PropertyName: 'Colour', ConditionOperator: 'Equals', Value: { Value: 'x' } }] } },
      "property 'Colour'",
    ],
    [
      { Criteria: { Conditions: [{ PropertyName: 'LogicalName', ConditionOperator: 'Resembles' }] } },
      'Query.Criteria.Conditions.0.ConditionOperator',
    ],
  ])('refuses a query it cannot answer with a 400 naming the part (%#)', async (q, rule) => {
    const res = await ask(q);
    expect(res.status, res.text).toBe(400);
    expect(res.json.error.message).toContain(rule);
  });

  it('refuses a Query that is not JSON', async () => {
    const res = await mock.api('GET', 'RetrieveMetadataChanges(Query=@q)?@q=notjson');
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain('Query is not JSON');
  });
});
