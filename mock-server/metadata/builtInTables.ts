import type { ColumnDefinition, TableDefinition } from './TableDefinition.js';

/** Account's and contact's state and status labels; other tables' differ, and the mock does not list them. */
const ACTIVE_INACTIVE = {
  statecode: { '0': 'Active', '1': 'Inactive' },
  statuscode: { '1': 'Active', '2': 'Inactive' },
} as const;

/** Columns every table has, maintained by the server; `labels` name the state and status values where known. */
export function systemColumns(labels?: typeof ACTIVE_INACTIVE): ColumnDefinition[] {
  return [
    ...serverColumns(),
    // statecode/statuscode are writable: a state change is a PATCH in the Web API.
    {
      name: 'statecode',
      type: 'choice',
      options: [0, 1],
      ...(labels === undefined ? {} : { labels: labels.statecode }),
    },
    {
      name: 'statuscode',
      type: 'choice',
      options: [1, 2],
      ...(labels === undefined ? {} : { labels: labels.statuscode }),
    },
  ];
}

/** When a record was made and changed, and its row version: the server sets them, never the client. */
function serverColumns(): ColumnDefinition[] {
  return [
    { name: 'createdon', type: 'datetime', readOnly: true },
    { name: 'modifiedon', type: 'datetime', readOnly: true },
    { name: 'versionnumber', type: 'int', readOnly: true },
  ];
}

/**
 * `ownerid`, which every user-owned table has: the user (or team; the mock has no teams) that
 * owns the record, set to the caller on create. `relationship` is Dataverse's `owner_<set>` name.
 */
function ownerColumn(relationship: string): ColumnDefinition {
  return {
    name: 'ownerid',
    type: 'lookup',
    targets: [{ table: 'systemuser', navigationProperty: 'ownerid', relationship }],
  };
}

/** `customerid`, the polymorphic lookup to an account or a contact, as opportunities and quotes have it. */
function customerColumn(table: string): ColumnDefinition {
  return {
    name: 'customerid',
    type: 'lookup',
    targets: [
      { table: 'account', navigationProperty: 'customerid_account', relationship: `${table}_customer_accounts` },
      { table: 'contact', navigationProperty: 'customerid_contact', relationship: `${table}_customer_contacts` },
    ],
  };
}

function joinName(row: Readonly<Record<string, unknown>>): string | null {
  const parts = [row.firstname, row.lastname].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.length > 0 ? parts.join(' ') : null;
}

/** First, last and the full name Dataverse composes from them (read-only). */
function personName(partMax: number, fullMax: number): ColumnDefinition[] {
  return [
    { name: 'firstname', type: 'string', maxLength: partMax },
    { name: 'lastname', type: 'string', maxLength: partMax },
    { name: 'fullname', type: 'string', maxLength: fullMax, readOnly: true, compute: joinName },
  ];
}

function multiply(a: unknown, b: unknown): number | null {
  return typeof a === 'number' && typeof b === 'number' ? Math.round(a * b * 10_000) / 10_000 : null;
}

/** A standard table: its primary key is `<logical name>id`, a GUID, and comes first. */
function standardTable(
  logicalName: string,
  entitySetName: string,
  primaryName: string,
  columns: ColumnDefinition[],
  alternateKeys: string[][] = [],
): TableDefinition {
  const primaryKey = `${logicalName}id`;
  return {
    logicalName,
    entitySetName,
    primaryKey,
    primaryName,
    alternateKeys,
    columns: [{ name: primaryKey, type: 'guid' }, ...columns],
  };
}

/**
 * The standard tables workloads commonly touch, with their real logical names, entity set
 * names, primary keys and a subset of their columns (max lengths as in a default org).
 */
export const builtInTables: readonly TableDefinition[] = [
  standardTable(
    'account',
    'accounts',
    'name',
    [
      { name: 'name', type: 'string', maxLength: 160 },
      { name: 'accountnumber', type: 'string', maxLength: 20 },
      { name: 'revenue', type: 'money' },
      { name: 'numberofemployees', type: 'int' },
      { name: 'telephone1', type: 'string', maxLength: 50 },
      { name: 'emailaddress1', type: 'string', maxLength: 100 },
      { name: 'address1_city', type: 'string', maxLength: 80 },
      { name: 'description', type: 'memo', maxLength: 2000 },
      { name: 'creditonhold', type: 'bool' },
      { name: 'industrycode', type: 'choice', options: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
      {
        name: 'primarycontactid',
        type: 'lookup',
        targets: [
          { table: 'contact', navigationProperty: 'primarycontactid', relationship: 'account_primary_contact' },
        ],
      },
      ownerColumn('owner_accounts'),
      ...systemColumns(ACTIVE_INACTIVE),
    ],
    [['accountnumber']],
  ),
  standardTable('contact', 'contacts', 'fullname', [
    ...personName(50, 160),
    { name: 'emailaddress1', type: 'string', maxLength: 100 },
    { name: 'jobtitle', type: 'string', maxLength: 100 },
    { name: 'telephone1', type: 'string', maxLength: 50 },
    { name: 'birthdate', type: 'datetime' },
    {
      name: 'parentcustomerid',
      type: 'lookup',
      targets: [
        {
          table: 'account',
          navigationProperty: 'parentcustomerid_account',
          relationship: 'contact_customer_accounts',
        },
        {
          table: 'contact',
          navigationProperty: 'parentcustomerid_contact',
          relationship: 'contact_customer_contacts',
        },
      ],
    },
    ownerColumn('owner_contacts'),
    ...systemColumns(ACTIVE_INACTIVE),
  ]),
  standardTable('opportunity', 'opportunities', 'name', [
    { name: 'name', type: 'string', maxLength: 300 },
    { name: 'estimatedvalue', type: 'money' },
    { name: 'estimatedclosedate', type: 'datetime' },
    { name: 'closeprobability', type: 'int' },
    { name: 'description', type: 'memo', maxLength: 2000 },
    {
      name: 'parentaccountid',
      type: 'lookup',
      targets: [
        { table: 'account', navigationProperty: 'parentaccountid', relationship: 'opportunity_parent_account' },
      ],
    },
    customerColumn('opportunity'),
    ownerColumn('owner_opportunitys'),
    ...systemColumns(),
  ]),
  standardTable('quote', 'quotes', 'name', [
    { name: 'name', type: 'string', maxLength: 300 },
    { name: 'quotenumber', type: 'string', maxLength: 100 },
    { name: 'totalamount', type: 'money' },
    { name: 'description', type: 'memo', maxLength: 2000 },
    {
      name: 'opportunityid',
      type: 'lookup',
      targets: [{ table: 'opportunity', navigationProperty: 'opportunityid', relationship: 'opportunity_quotes' }],
    },
    customerColumn('quote'),
    ownerColumn('owner_quotes'),
    ...systemColumns(),
  ]),
  standardTable('quotedetail', 'quotedetails', 'productdescription', [
    {
      name: 'quoteid',
      type: 'lookup',
      targets: [{ table: 'quote', navigationProperty: 'quoteid', relationship: 'quote_details' }],
    },
    { name: 'productdescription', type: 'string', maxLength: 500 },
    { name: 'quantity', type: 'decimal' },
    { name: 'priceperunit', type: 'money' },
    {
      name: 'extendedamount',
      type: 'money',
      readOnly: true,
      compute: (row) => multiply(row.quantity, row.priceperunit),
    },
    { name: 'lineitemnumber', type: 'int' },
    { name: 'isproductoverridden', type: 'bool', labels: { false: 'Existing', true: 'Write-In' } },
    ...systemColumns(),
  ]),
  standardTable('systemuser', 'systemusers', 'fullname', [
    ...personName(64, 200),
    { name: 'domainname', type: 'string', maxLength: 1024 },
    { name: 'internalemailaddress', type: 'string', maxLength: 100 },
    { name: 'isdisabled', type: 'bool', labels: { false: 'Enabled', true: 'Disabled' } },
    { name: 'applicationid', type: 'guid' },
    ...systemColumns(),
  ]),
  // The system jobs Dataverse runs in the background; the mock records its BulkDelete jobs here.
  standardTable('asyncoperation', 'asyncoperations', 'name', [
    { name: 'name', type: 'string', maxLength: 256 },
    { name: 'operationtype', type: 'choice', options: [13], labels: { '13': 'Bulk Delete' } },
    { name: 'message', type: 'memo', maxLength: 1_048_576 },
    { name: 'completedon', type: 'datetime' },
    ...serverColumns(),
    {
      name: 'statecode',
      type: 'choice',
      options: [0, 1, 2, 3],
      labels: { '0': 'Ready', '1': 'Suspended', '2': 'Locked', '3': 'Completed' },
    },
    {
      name: 'statuscode',
      type: 'choice',
      options: [0, 10, 20, 21, 22, 30, 31, 32],
      labels: {
        '0': 'Waiting For Resources',
        '10': 'Waiting',
        '20': 'In Progress',
        '21': 'Pausing',
        '22': 'Canceling',
        '30': 'Succeeded',
        '31': 'Failed',
        '32': 'Canceled',
      },
    },
  ]),
];
