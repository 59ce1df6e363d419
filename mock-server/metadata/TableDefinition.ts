/** Column types the mock understands; each maps to the Edm type Dataverse exposes. */
type ColumnType = 'string' | 'memo' | 'int' | 'decimal' | 'money' | 'bool' | 'datetime' | 'guid' | 'choice' | 'lookup';

export interface LookupTarget {
  /** Logical name of the table the lookup points to. */
  readonly table: string;
  /** Single-valued navigation property used in `@odata.bind` and `$expand`. */
  readonly navigationProperty: string;
  /**
   * The one-to-many relationship's schema name: on the target table, the collection-valued
   * navigation property of the records that point at it (`contact_customer_accounts`).
   */
  readonly relationship: string;
}

export interface ColumnDefinition {
  readonly name: string;
  readonly type: ColumnType;
  /** For string and memo columns. */
  readonly maxLength?: number;
  /** For choice columns: the allowed option values. */
  readonly options?: readonly number[];
  /** For choice and yes/no columns: the label of each value (`"1"`, `"true"`), for `FormattedValue`. */
  readonly labels?: Readonly<Record<string, string>>;
  /** For lookup columns: one target, or several for polymorphic (customer) lookups. */
  readonly targets?: readonly LookupTarget[];
  /** Set by the server; ignored in request bodies. */
  readonly readOnly?: boolean;
  /** Computed from other columns of the same row (e.g. contact.fullname). */
  readonly compute?: (row: Readonly<Record<string, unknown>>) => unknown;
}

export interface TableDefinition {
  readonly logicalName: string;
  readonly entitySetName: string;
  readonly primaryKey: string;
  /** The primary name column, used for generated data and lookups' formatted values. */
  readonly primaryName: string;
  readonly columns: readonly ColumnDefinition[];
  /** Each alternate key is a list of column names. */
  readonly alternateKeys: readonly (readonly string[])[];
}

export function edmTypeOf(column: ColumnDefinition): string {
  switch (column.type) {
    case 'string':
    case 'memo':
      return 'Edm.String';
    case 'int':
    case 'choice':
      return 'Edm.Int32';
    case 'decimal':
    case 'money':
      return 'Edm.Decimal';
    case 'bool':
      return 'Edm.Boolean';
    case 'datetime':
      return 'Edm.DateTimeOffset';
    case 'guid':
    case 'lookup':
      return 'Edm.Guid';
  }
}
