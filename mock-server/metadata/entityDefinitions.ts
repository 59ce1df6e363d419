import { createHash } from 'node:crypto';
import type { Catalogue, TableMetadata } from './Catalogue.js';
import type { ColumnDefinition } from './TableDefinition.js';

/** Object type codes of the standard tables, as every org numbers them; custom tables get 10000 and up. */
const OBJECT_TYPE_CODES: Readonly<Record<string, number>> = {
  account: 1,
  contact: 2,
  opportunity: 3,
  systemuser: 8,
  quote: 1084,
  quotedetail: 1085,
  asyncoperation: 4700,
};

/** Schema names of the standard tables and their columns, as every org spells them. */
const SCHEMA_NAMES: Readonly<Record<string, string>> = {
  account: 'Account',
  contact: 'Contact',
  opportunity: 'Opportunity',
  quote: 'Quote',
  quotedetail: 'QuoteDetail',
  systemuser: 'SystemUser',
  asyncoperation: 'AsyncOperation',
  asyncoperationid: 'AsyncOperationId',
  completedon: 'CompletedOn',
  message: 'Message',
  operationtype: 'OperationType',
  accountid: 'AccountId',
  accountnumber: 'AccountNumber',
  address1_city: 'Address1_City',
  applicationid: 'ApplicationId',
  birthdate: 'BirthDate',
  closeprobability: 'CloseProbability',
  contactid: 'ContactId',
  createdon: 'CreatedOn',
  creditonhold: 'CreditOnHold',
  customerid: 'CustomerId',
  description: 'Description',
  domainname: 'DomainName',
  emailaddress1: 'EMailAddress1',
  estimatedclosedate: 'EstimatedCloseDate',
  estimatedvalue: 'EstimatedValue',
  extendedamount: 'ExtendedAmount',
  firstname: 'FirstName',
  fullname: 'FullName',
  industrycode: 'IndustryCode',
  internalemailaddress: 'InternalEMailAddress',
  isdisabled: 'IsDisabled',
  isproductoverridden: 'IsProductOverridden',
  jobtitle: 'JobTitle',
  lastname: 'LastName',
  lineitemnumber: 'LineItemNumber',
  modifiedon: 'ModifiedOn',
  name: 'Name',
  numberofemployees: 'NumberOfEmployees',
  opportunityid: 'OpportunityId',
  ownerid: 'OwnerId',
  parentaccountid: 'ParentAccountId',
  parentcustomerid: 'ParentCustomerId',
  priceperunit: 'PricePerUnit',
  primarycontactid: 'PrimaryContactId',
  productdescription: 'ProductDescription',
  quantity: 'Quantity',
  quotedetailid: 'QuoteDetailId',
  quoteid: 'QuoteId',
  quotenumber: 'QuoteNumber',
  revenue: 'Revenue',
  statecode: 'StateCode',
  statuscode: 'StatusCode',
  systemuserid: 'SystemUserId',
  telephone1: 'Telephone1',
  totalamount: 'TotalAmount',
  versionnumber: 'VersionNumber',
};

/**
 * A table's or column's schema name: the standard ones as Dataverse spells them; a custom one's
 * from its logical name, the publisher prefix kept and the next letter upper-cased
 * (`new_project` → `new_Project`), as the maker portal proposes them.
 */
function schemaNameOf(logicalName: string): string {
  const known = SCHEMA_NAMES[logicalName];
  if (known !== undefined) return known;
  const at = logicalName.indexOf('_') + 1;
  return logicalName.slice(0, at) + logicalName.charAt(at).toUpperCase() + logicalName.slice(at + 1);
}

/**
 * A display name from the schema name, the publisher prefix dropped and its words spaced
 * (`ParentCustomerId` → `Parent Customer Id`, `new_Project` → `Project`): the mock has no labels
 * of its own, and a label made this way is what the maker portal starts from. Not Dataverse's
 * own label for a standard column (account's `name` is "Account Name" there).
 */
function displayNameOf(logicalName: string): string {
  const schema = schemaNameOf(logicalName);
  const bare = schema.slice(schema.indexOf('_') + 1);
  return bare.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

/** One of the standard tables every org has (not a custom one from the mock config). */
export function isStandardTable(logicalName: string): boolean {
  return logicalName in OBJECT_TYPE_CODES;
}

/** A stable id from a name, so a definition's MetadataId is the same on every run. */
export function metadataId(name: string): string {
  const h = createHash('sha1').update(`dvbench-metadata:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** AttributeType and the metadata type Dataverse names for each column type. */
const ATTRIBUTE_TYPES: Readonly<Record<ColumnDefinition['type'], readonly [string, string]>> = {
  string: ['String', 'StringAttributeMetadata'],
  memo: ['Memo', 'MemoAttributeMetadata'],
  int: ['Integer', 'IntegerAttributeMetadata'],
  decimal: ['Decimal', 'DecimalAttributeMetadata'],
  money: ['Money', 'MoneyAttributeMetadata'],
  bool: ['Boolean', 'BooleanAttributeMetadata'],
  datetime: ['DateTime', 'DateTimeAttributeMetadata'],
  choice: ['Picklist', 'PicklistAttributeMetadata'],
  lookup: ['Lookup', 'LookupAttributeMetadata'],
  guid: ['Uniqueidentifier', 'AttributeMetadata'],
};

function attributeType(column: ColumnDefinition): readonly [string, string] {
  if (column.name === 'statecode') return ['State', 'StateAttributeMetadata'];
  if (column.name === 'statuscode') return ['Status', 'StatusAttributeMetadata'];
  // A lookup with several targets is a customer lookup (account or contact).
  if (column.type === 'lookup' && (column.targets?.length ?? 0) > 1) return ['Customer', 'LookupAttributeMetadata'];
  return ATTRIBUTE_TYPES[column.type];
}

/** The metadata type Dataverse names a column's definition with: `PicklistAttributeMetadata`. */
export function attributeMetadataType(column: ColumnDefinition): string {
  return attributeType(column)[1];
}

/** The attribute metadata types whose definitions carry an `OptionSet`: choices, state and status. */
export const ENUM_ATTRIBUTE_TYPES: ReadonlySet<string> = new Set([
  'PicklistAttributeMetadata',
  'StateAttributeMetadata',
  'StatusAttributeMetadata',
]);

function label(text: string, id: string): Record<string, unknown> {
  const localized = { Label: text, LanguageCode: 1033, IsManaged: false, MetadataId: metadataId(id), HasChanged: null };
  return { LocalizedLabels: [localized], UserLocalizedLabel: localized };
}

/**
 * A choice column's option set, as `$expand=OptionSet` returns it: each option's value and
 * label (the same labels the mock formats values with), in the definition's order.
 */
export function optionSetDefinition(table: TableMetadata, column: ColumnDefinition): Record<string, unknown> {
  const name = `${table.logicalName}_${column.name}`;
  const type = attributeType(column)[0];
  return {
    MetadataId: metadataId(`optionset:${name}`),
    Name: name,
    IsGlobal: false,
    OptionSetType: type === 'Picklist' ? 'Picklist' : type,
    Options: (column.options ?? []).map((value) => ({
      Value: value,
      Label: label(column.labels?.[String(value)] ?? String(value), `${name}.${value}`),
    })),
  };
}

/**
 * One column as an attribute definition: the properties the mock knows, and labels derived
 * from its names. What a client may write comes from the mock's own rules: a read-only column
 * (computed, or kept by the server) takes no value; a primary key may be given on create, never
 * changed, and is the one column the system requires (the mock requires no other on create).
 */
export function attributeDefinition(table: TableMetadata, column: ColumnDefinition): Record<string, unknown> {
  const [type, odataType] = attributeType(column);
  const key = column.name === table.primaryKey;
  const writable = column.readOnly !== true;
  return {
    '@odata.type': `#Microsoft.Dynamics.CRM.${odataType}`,
    MetadataId: metadataId(`${table.logicalName}.${column.name}`),
    LogicalName: column.name,
    SchemaName: schemaNameOf(column.name),
    EntityLogicalName: table.logicalName,
    AttributeType: type,
    AttributeTypeName: { Value: `${type}Type` },
    IsCustomAttribute: !isStandardTable(table.logicalName),
    IsValidForCreate: writable,
    IsValidForUpdate: writable && !key,
    IsValidForRead: true,
    IsPrimaryId: key,
    IsPrimaryName: column.name === table.definition.primaryName,
    DisplayName: label(displayNameOf(column.name), `${table.logicalName}.${column.name}.display`),
    RequiredLevel: {
      Value: key ? 'SystemRequired' : 'None',
      CanBeChanged: !key,
      ManagedPropertyLogicalName: 'canmodifyrequirementlevelsettings',
    },
    ...(column.maxLength === undefined ? {} : { MaxLength: column.maxLength }),
    ...(column.targets === undefined ? {} : { Targets: column.targets.map((t) => t.table) }),
  };
}

/** One table as an entity definition: its names, keys and type code. */
export function entityDefinition(table: TableMetadata, catalogue: Catalogue): Record<string, unknown> {
  const custom = !isStandardTable(table.logicalName);
  const customIndex = [...catalogue.tables()].filter((t) => !isStandardTable(t.logicalName)).indexOf(table);
  return {
    MetadataId: metadataId(table.logicalName),
    LogicalName: table.logicalName,
    SchemaName: schemaNameOf(table.logicalName),
    EntitySetName: table.entitySetName,
    LogicalCollectionName: table.entitySetName,
    PrimaryIdAttribute: table.primaryKey,
    PrimaryNameAttribute: table.definition.primaryName,
    ObjectTypeCode: custom ? 10_000 + customIndex : OBJECT_TYPE_CODES[table.logicalName],
    IsCustomEntity: custom,
    DisplayName: label(displayNameOf(table.logicalName), `${table.logicalName}.display`),
    DisplayCollectionName: label(displayNameOf(table.entitySetName), `${table.logicalName}.displaycollection`),
    // None of the mock's tables is an activity or a many-to-many intersect table.
    IsActivity: false,
    IsIntersect: false,
  };
}

export const ENTITY_PROPERTIES = Object.freeze([
  'MetadataId',
  'LogicalName',
  'SchemaName',
  'EntitySetName',
  'LogicalCollectionName',
  'PrimaryIdAttribute',
  'PrimaryNameAttribute',
  'ObjectTypeCode',
  'IsCustomEntity',
  'DisplayName',
  'DisplayCollectionName',
  'IsActivity',
  'IsIntersect',
  'Attributes',
]);

export const ATTRIBUTE_PROPERTIES = Object.freeze([
  'MetadataId',
  'LogicalName',
  'SchemaName',
  'EntityLogicalName',
  'AttributeType',
  'AttributeTypeName',
  'IsCustomAttribute',
  'IsValidForCreate',
  'IsValidForUpdate',
  'IsValidForRead',
  'IsPrimaryId',
  'IsPrimaryName',
  'DisplayName',
  'RequiredLevel',
  'MaxLength',
  'Targets',
]);
