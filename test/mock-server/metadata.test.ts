import { SyntaxValidator } from 'fast-xml-validator';
import { describe, expect, it } from 'vitest';
import { PROJECT_WITH_ACCOUNT } from '../helpers/projectTable.js';
import { useMockServer } from '../helpers/useMockServer.js';

describe('mock server: $metadata', () => {
  const mock = useMockServer({ config: PROJECT_WITH_ACCOUNT });

  it('is CSDL XML in the Microsoft.Dynamics.CRM namespace, behind the bearer token as on Dataverse', async () => {
    const res = await mock.api('GET', '$metadata');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/xml');
    expect(res.headers['odata-version']).toBe('4.0');
    expect(res.text).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<edmx:Edmx Version="4.0"/);
    expect(res.text).toContain('<Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm"');
    expect((await mock.api('GET', '$metadata', { token: null })).status).toBe(401);
  });

  it('is well-formed XML whose every entity set names an entity type it declares, custom tables included', async () => {
    const xml = (await mock.api('GET', '$metadata')).text;
    expect(() => new SyntaxValidator().validate(xml)).not.toThrow();
    const types = new Set([...xml.matchAll(/<EntityType Name="([^"]+)"/g)].map((m) => m[1]));
    const sets = [
      ...xml.matchAll(/<EntitySet Name="([^"]+)" EntityType="(?:mscrm|Microsoft\.Dynamics\.CRM)\.([^"]+)"/g),
    ].map((m) => [m[1], m[2]]);
    expect(sets.length).toBeGreaterThan(3);
    expect(sets).toContainEqual(['new_projects', 'new_project']);
    for (const [, type] of sets) expect(types.has(type)).toBe(true);
  });

  it('declares the enum and complex types it uses, and every mscrm type it names is declared', async () => {
    const xml = (await mock.api('GET', '$metadata')).text;
    const members = (name: string) =>
      [
        ...(new RegExp(`<EnumType Name="${name}"[^>]*>([\\s\\S]*?)</EnumType>`).exec(xml)?.[1] ?? '').matchAll(
          /<Member Name="(\w+)" Value="(\d+)"\/>/g,
        ),
      ].map((m) => `${m[1]}=${m[2]}`);
    expect(members('AttributeTypeCode')).toEqual(expect.arrayContaining(['Picklist=11', 'String=14', 'Lookup=6']));
    expect(members('AttributeRequiredLevel')).toEqual([
      'None=0',
      'SystemRequired=1',
      'ApplicationRequired=2',
      'Recommended=3',
    ]);
    expect(xml).toContain('<EnumType Name="EntityFilters" IsFlags="true">');
    expect(xml).toContain('<ActionImport Name="BulkDelete" Action="Microsoft.Dynamics.CRM.BulkDelete"/>');
    expect(xml).toContain('<FunctionImport Name="RetrieveMetadataChanges"');
    const declared = new Set([...xml.matchAll(/<(?:EntityType|ComplexType|EnumType) Name="(\w+)"/g)].map((m) => m[1]));
    const named = [...xml.matchAll(/Type="(?:Collection\()?mscrm\.(\w+)\)?"/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((t) => !declared.has(t))).toEqual([]);
  });
});
