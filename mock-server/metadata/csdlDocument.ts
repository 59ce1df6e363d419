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
 * A property or parameter as `Name: Type`, `!` at the end for `Nullable="false"`, and `~` for
 * the mscrm alias: `UserId: Edm.Guid!`, `Value: ~AttributeRequiredLevel!`.
 */
function member(tag: 'Property' | 'Parameter', spec: string): string {
  const [name = '', written = ''] = spec.split(': ');
  const required = written.endsWith('!');
  const type = (required ? written.slice(0, -1) : written).replace('~', `${ALIAS}.`);
  return `      <${tag} Name="${name}" Type="${type}"${required ? ' Nullable="false"' : ''}/>`;
}

function complexType(name: string, properties: readonly string[], open = false): string[] {
  const head = `    <ComplexType Name="${name}"${open ? ' OpenType="true"' : ''}`;
  if (properties.length === 0) return [`${head}/>`];
  return [`${head}>`, ...properties.map((p) => member('Property', p)), '    </ComplexType>'];
}

/** An action or function: its parameters as `member` writes them, and what it returns (`~Type!`). */
function operation(
  kind: 'Action' | 'Function',
  name: string,
  parameters: readonly string[],
  returns?: string,
  bound = false,
): string[] {
  const type = returns?.replace('~', `${ALIAS}.`).replace(/!$/, '');
  return [
    `    <${kind} Name="${name}"${bound ? ' IsBound="true"' : ''}>`,
    ...parameters.map((p) => member('Parameter', p)),
    ...(type === undefined ? [] : [`      <ReturnType Type="${type}" Nullable="false"/>`]),
    `    </${kind}>`,
  ];
}

/**
 * The complex types of the metadata answers and actions: labels, the managed requirement level,
 * and open types for the query and metadata shapes whose many properties the mock reads by name.
 */
const COMPLEX_TYPES = [
  ...complexType('LocalizedLabel', [
    'Label: Edm.String',
    'LanguageCode: Edm.Int32!',
    'IsManaged: Edm.Boolean',
    'MetadataId: Edm.Guid',
    'HasChanged: Edm.Boolean',
  ]),
  ...complexType('Label', ['LocalizedLabels: Collection(~LocalizedLabel)', 'UserLocalizedLabel: ~LocalizedLabel']),
  ...complexType('AttributeRequiredLevelManagedProperty', [
    'Value: ~AttributeRequiredLevel!',
    'CanBeChanged: Edm.Boolean!',
    'ManagedPropertyLogicalName: Edm.String',
  ]),
  ...complexType('AttributeTypeDisplayName', ['Value: Edm.String']),
  ...complexType('QueryExpression', ['EntityName: Edm.String'], true),
  ...complexType('EntityQueryExpression', [], true),
  ...complexType('ComplexEntityMetadata', ['LogicalName: Edm.String', 'MetadataId: Edm.Guid'], true),
  ...complexType('BulkDeleteResponse', ['JobId: Edm.Guid!']),
  ...complexType('RetrieveMetadataChangesResponse', [
    'EntityMetadata: Collection(~ComplexEntityMetadata)',
    'ServerVersionStamp: Edm.String',
  ]),
];

/** BulkDelete and RetrieveMetadataChanges, with Dataverse's parameters. */
const METADATA_OPERATIONS = [
  ...operation(
    'Action',
    'BulkDelete',
    [
      'QuerySet: Collection(~QueryExpression)!',
      'JobName: Edm.String!',
      'SendEmailNotification: Edm.Boolean!',
      'ToRecipients: Collection(Edm.Guid)!',
      'CCRecipients: Collection(Edm.Guid)!',
      'RecurrencePattern: Edm.String!',
      'StartDateTime: Edm.DateTimeOffset!',
    ],
    '~BulkDeleteResponse',
  ),
  ...operation(
    'Function',
    'RetrieveMetadataChanges',
    [
      'Query: ~EntityQueryExpression',
      'DeletedMetadataFilters: ~DeletedMetadataFilters',
      'ClientVersionStamp: Edm.String',
    ],
    '~RetrieveMetadataChangesResponse',
  ),
];

/** The bound bulk actions and WhoAmI: the operations the mock serves beyond CRUD and `$batch`. */
const OPERATIONS = [
  ...complexType('WhoAmIResponse', ['BusinessUnitId: Edm.Guid!', 'UserId: Edm.Guid!', 'OrganizationId: Edm.Guid!']),
  ...complexType('CreateMultipleResponse', ['Ids: Collection(Edm.Guid)!']),
  ...complexType('EntityRecordCountCollection', [
    'Count: Edm.Int32!',
    'IsReadOnly: Edm.Boolean!',
    'Keys: Collection(Edm.String)!',
    'Values: Collection(Edm.Int64)!',
  ]),
  ...complexType('RetrieveTotalRecordCountResponse', ['EntityRecordCountCollection: ~EntityRecordCountCollection!']),
  ...operation(
    'Function',
    'RetrieveTotalRecordCount',
    ['EntityNames: Collection(Edm.String)!'],
    '~RetrieveTotalRecordCountResponse',
  ),
  ...operation('Function', 'WhoAmI', [], '~WhoAmIResponse'),
  ...['CreateMultiple', 'UpdateMultiple', 'UpsertMultiple', 'DeleteMultiple'].flatMap((name) =>
    operation(
      'Action',
      name,
      ['entityset: Collection(~crmbaseentity)!', 'Targets: Collection(~crmbaseentity)!'],
      name === 'CreateMultiple' ? '~CreateMultipleResponse' : undefined,
      true,
    ),
  ),
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
