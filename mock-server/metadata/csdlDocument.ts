import type { Catalogue, TableMetadata } from './Catalogue.js';
import { edmTypeOf } from './TableDefinition.js';

const NAMESPACE = 'Microsoft.Dynamics.CRM';
const ALIAS = 'mscrm';

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Columns as Dataverse's CSDL shows them: a lookup is the read-only `_<name>_value` Guid
 * property, and its navigation properties are what `@odata.bind` and `$expand` name.
 */
function entityType(table: TableMetadata, catalogue: Catalogue): string[] {
  const lines = [
    `    <EntityType Name="${attr(table.logicalName)}" BaseType="${ALIAS}.crmbaseentity">`,
    `      <Key><PropertyRef Name="${attr(table.primaryKey)}"/></Key>`,
  ];
  for (const column of table.definition.columns) {
    const name = column.type === 'lookup' ? `_${column.name}_value` : column.name;
    lines.push(`      <Property Name="${attr(name)}" Type="${edmTypeOf(column)}"/>`);
  }
  for (const nav of table.navigationProperties.values()) {
    lines.push(
      `      <NavigationProperty Name="` +
        `${attr(nav.name)}" Type="${ALIAS}.${attr(nav.target.table)}" Partner="${attr(nav.target.relationship)}">`,
      `        <ReferentialConstraint Property="_` +
        `${attr(nav.column.name)}_value" ReferencedProperty="` +
        `${attr(catalogue.byLogicalName(nav.target.table)?.primaryKey ?? '')}"/>`,
      `      </NavigationProperty>`,
    );
  }
  for (const rel of table.collectionNavigationProperties.values())
    lines.push(
      `      <NavigationProperty Name="` +
        `${attr(rel.name)}" Type="Collection(${ALIAS}.${attr(rel.table)})" Partner="${attr(rel.partner)}"/>`,
    );
  lines.push('    </EntityType>');
  return lines;
}

function entitySet(table: TableMetadata, catalogue: Catalogue): string[] {
  const lines = [
    `      <EntitySet Name="${attr(table.entitySetName)}" EntityType="${NAMESPACE}.${attr(table.logicalName)}">`,
  ];
  for (const nav of table.navigationProperties.values()) {
    const target = catalogue.byLogicalName(nav.target.table);
    if (target !== undefined)
      lines.push(
        `        <NavigationPropertyBinding Path="${attr(nav.name)}" Target="${attr(target.entitySetName)}"/>`,
      );
  }
  for (const rel of table.collectionNavigationProperties.values()) {
    const target = catalogue.byLogicalName(rel.table);
    if (target !== undefined)
      lines.push(
        `        <NavigationPropertyBinding Path="${attr(rel.name)}" Target="${attr(target.entitySetName)}"/>`,
      );
  }
  lines.push('      </EntitySet>');
  return lines;
}

/** The bound bulk actions and WhoAmI: the operations the mock serves beyond CRUD and `$batch`. */
const OPERATIONS = [
  '    <ComplexType Name="WhoAmIResponse">',
  '      <Property Name="BusinessUnitId" Type="Edm.Guid" Nullable="false"/>',
  '      <Property Name="UserId" Type="Edm.Guid" Nullable="false"/>',
  '      <Property Name="OrganizationId" Type="Edm.Guid" Nullable="false"/>',
  '    </ComplexType>',
  '    <ComplexType Name="CreateMultipleResponse">',
  '      <Property Name="Ids" Type="Collection(Edm.Guid)" Nullable="false"/>',
  '    </ComplexType>',
  '    <ComplexType Name="EntityRecordCountCollection">',
  '      <Property Name="Count" Type="Edm.Int32" Nullable="false"/>',
  '      <Property Name="IsReadOnly" Type="Edm.Boolean" Nullable="false"/>',
  '      <Property Name="Keys" Type="Collection(Edm.String)" Nullable="false"/>',
  '      <Property Name="Values" Type="Collection(Edm.Int64)" Nullable="false"/>',
  '    </ComplexType>',
  '    <ComplexType Name="RetrieveTotalRecordCountResponse">',
  `      <Property Name="EntityRecordCountCollection" Type="${ALIAS}.EntityRecordCountCollection" Nullable="false"/>`,
  '    </ComplexType>',
  '    <Function Name="RetrieveTotalRecordCount">',
  '      <Parameter Name="EntityNames" Type="Collection(Edm.String)" Nullable="false"/>',
  `      <ReturnType Type="${ALIAS}.RetrieveTotalRecordCountResponse" Nullable="false"/>`,
  '    </Function>',
  '    <Function Name="WhoAmI">',
  `      <ReturnType Type="${ALIAS}.WhoAmIResponse" Nullable="false"/>`,
  '    </Function>',
  ...['CreateMultiple', 'UpdateMultiple', 'UpsertMultiple', 'DeleteMultiple'].flatMap((name) => [
    `    <Action Name="${name}" IsBound="true">`,
    `      <Parameter Name="entityset" Type="Collection(${ALIAS}.crmbaseentity)" Nullable="false"/>`,
    `      <Parameter Name="Targets" Type="Collection(${ALIAS}.crmbaseentity)" Nullable="false"/>`,
    ...(name === 'CreateMultiple'
      ? [`      <ReturnType Type="${ALIAS}.CreateMultipleResponse" Nullable="false"/>`]
      : []),
    '    </Action>',
  ]),
];

/**
 * `$metadata`: an OData 4.0 CSDL document generated from the same table definitions as the
 * store, custom tables included, in Dataverse's namespace (`Microsoft.Dynamics.CRM`, alias
 * `mscrm`) and container (`System`), so OData clients and code generators can start from it.
 */
export function csdlDocument(catalogue: Catalogue): string {
  const tables = [...catalogue.tables()];
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
    '  <edmx:DataServices>',
    `    <Schema Namespace="${NAMESPACE}" Alias="${ALIAS}" xmlns="http://docs.oasis-open.org/odata/ns/edm">`,
    ...[
      '    <EntityType Name="crmbaseentity" Abstract="true"/>',
      ...tables.flatMap((t) => entityType(t, catalogue)),
      ...OPERATIONS,
      '    <EntityContainer Name="System">',
      ...tables.flatMap((t) => entitySet(t, catalogue)),
      `      <FunctionImport Name="WhoAmI" Function="${NAMESPACE}.WhoAmI"/>`,
      `      <FunctionImport Name="RetrieveTotalRecordCount" Function="${NAMESPACE}.RetrieveTotalRecordCount"/>`,
      '    </EntityContainer>',
    ].map((line) => `  ${line}`),
    '    </Schema>',
    '  </edmx:DataServices>',
    '</edmx:Edmx>',
    '',
  ].join('\n');
}
