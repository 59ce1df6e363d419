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

function enumType(name: string, members: readonly (readonly [string, number])[], flags = false): string[] {
  return [
    `    <EnumType Name="${name}"${flags ? ' IsFlags="true"' : ''}>`,
    ...members.map(([member, value]) => `      <Member Name="${member}" Value="${value}"/>`),
    '    </EnumType>',
  ];
}

/**
 * The enumerations Dataverse declares for what the mock serves (attribute types and
 * requirement levels in its metadata answers, the filters of RetrieveMetadataChanges), with
 * Dataverse's names and values.
 */
const ENUM_TYPES = [
  ...enumType('AttributeTypeCode', [
    ['Boolean', 0],
    ['Customer', 1],
    ['DateTime', 2],
    ['Decimal', 3],
    ['Double', 4],
    ['Integer', 5],
    ['Lookup', 6],
    ['Memo', 7],
    ['Money', 8],
    ['Owner', 9],
    ['PartyList', 10],
    ['Picklist', 11],
    ['State', 12],
    ['Status', 13],
    ['String', 14],
    ['Uniqueidentifier', 15],
    ['CalendarRules', 16],
    ['Virtual', 17],
    ['BigInt', 18],
    ['ManagedProperty', 19],
    ['EntityName', 20],
  ]),
  ...enumType('AttributeRequiredLevel', [
    ['None', 0],
    ['SystemRequired', 1],
    ['ApplicationRequired', 2],
    ['Recommended', 3],
  ]),
  ...enumType(
    'OwnershipTypes',
    [
      ['None', 0],
      ['UserOwned', 1],
      ['TeamOwned', 2],
      ['BusinessOwned', 4],
      ['OrganizationOwned', 8],
      ['BusinessParented', 16],
      ['Filtered', 32],
    ],
    true,
  ),
  ...enumType(
    'EntityFilters',
    [
      ['Entity', 1],
      ['Attributes', 2],
      ['Privileges', 4],
      ['Relationships', 8],
      ['All', 15],
    ],
    true,
  ),
  ...enumType(
    'DeletedMetadataFilters',
    [
      ['Entity', 1],
      ['Attribute', 2],
      ['Relationship', 4],
      ['Label', 8],
      ['OptionSet', 16],
      ['All', 31],
    ],
    true,
  ),
  ...enumType('RelationshipType', [
    ['OneToManyRelationship', 0],
    ['ManyToManyRelationship', 1],
  ]),
];

/**
 * The complex types of the metadata answers and actions: labels, the managed requirement level,
 * and open types for the query and metadata shapes whose many properties the mock reads by name.
 */
const COMPLEX_TYPES = [
  '    <ComplexType Name="LocalizedLabel">',
  '      <Property Name="Label" Type="Edm.String"/>',
  '      <Property Name="LanguageCode" Type="Edm.Int32" Nullable="false"/>',
  '      <Property Name="IsManaged" Type="Edm.Boolean"/>',
  '      <Property Name="MetadataId" Type="Edm.Guid"/>',
  '      <Property Name="HasChanged" Type="Edm.Boolean"/>',
  '    </ComplexType>',
  '    <ComplexType Name="Label">',
  `      <Property Name="LocalizedLabels" Type="Collection(${ALIAS}.LocalizedLabel)"/>`,
  `      <Property Name="UserLocalizedLabel" Type="${ALIAS}.LocalizedLabel"/>`,
  '    </ComplexType>',
  '    <ComplexType Name="AttributeRequiredLevelManagedProperty">',
  `      <Property Name="Value" Type="${ALIAS}.AttributeRequiredLevel" Nullable="false"/>`,
  '      <Property Name="CanBeChanged" Type="Edm.Boolean" Nullable="false"/>',
  '      <Property Name="ManagedPropertyLogicalName" Type="Edm.String"/>',
  '    </ComplexType>',
  '    <ComplexType Name="AttributeTypeDisplayName">',
  '      <Property Name="Value" Type="Edm.String"/>',
  '    </ComplexType>',
  '    <ComplexType Name="QueryExpression" OpenType="true">',
  '      <Property Name="EntityName" Type="Edm.String"/>',
  '    </ComplexType>',
  '    <ComplexType Name="EntityQueryExpression" OpenType="true"/>',
  '    <ComplexType Name="ComplexEntityMetadata" OpenType="true">',
  '      <Property Name="LogicalName" Type="Edm.String"/>',
  '      <Property Name="MetadataId" Type="Edm.Guid"/>',
  '    </ComplexType>',
  '    <ComplexType Name="BulkDeleteResponse">',
  '      <Property Name="JobId" Type="Edm.Guid" Nullable="false"/>',
  '    </ComplexType>',
  '    <ComplexType Name="RetrieveMetadataChangesResponse">',
  `      <Property Name="EntityMetadata" Type="Collection(${ALIAS}.ComplexEntityMetadata)"/>`,
  '      <Property Name="ServerVersionStamp" Type="Edm.String"/>',
  '    </ComplexType>',
];

/** BulkDelete and RetrieveMetadataChanges, with Dataverse's parameters. */
const METADATA_OPERATIONS = [
  '    <Action Name="BulkDelete">',
  `      <Parameter Name="QuerySet" Type="Collection(${ALIAS}.QueryExpression)" Nullable="false"/>`,
  '      <Parameter Name="JobName" Type="Edm.String" Nullable="false"/>',
  '      <Parameter Name="SendEmailNotification" Type="Edm.Boolean" Nullable="false"/>',
  '      <Parameter Name="ToRecipients" Type="Collection(Edm.Guid)" Nullable="false"/>',
  '      <Parameter Name="CCRecipients" Type="Collection(Edm.Guid)" Nullable="false"/>',
  '      <Parameter Name="RecurrencePattern" Type="Edm.String" Nullable="false"/>',
  '      <Parameter Name="StartDateTime" Type="Edm.DateTimeOffset" Nullable="false"/>',
  `      <ReturnType Type="${ALIAS}.BulkDeleteResponse" Nullable="false"/>`,
  '    </Action>',
  '    <Function Name="RetrieveMetadataChanges">',
  `      <Parameter Name="Query" Type="${ALIAS}.EntityQueryExpression"/>`,
  `      <Parameter Name="DeletedMetadataFilters" Type="${ALIAS}.DeletedMetadataFilters"/>`,
  '      <Parameter Name="ClientVersionStamp" Type="Edm.String"/>',
  `      <ReturnType Type="${ALIAS}.RetrieveMetadataChangesResponse" Nullable="false"/>`,
  '    </Function>',
];

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
      ...ENUM_TYPES,
      ...COMPLEX_TYPES,
      ...OPERATIONS,
      ...METADATA_OPERATIONS,
      '    <EntityContainer Name="System">',
      ...tables.flatMap((t) => entitySet(t, catalogue)),
      `      <FunctionImport Name="WhoAmI" Function="${NAMESPACE}.WhoAmI"/>`,
      `      <FunctionImport Name="RetrieveTotalRecordCount" Function="${NAMESPACE}.RetrieveTotalRecordCount"/>`,
      `      <FunctionImport Name="RetrieveMetadataChanges" Function="${NAMESPACE}.RetrieveMetadataChanges"/>`,
      `      <ActionImport Name="BulkDelete" Action="${NAMESPACE}.BulkDelete"/>`,
      '    </EntityContainer>',
    ].map((line) => `  ${line}`),
    '    </Schema>',
    '  </edmx:DataServices>',
    '</edmx:Edmx>',
    '',
  ].join('\n');
}
