import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { Catalogue, TableMetadata } from '../metadata/Catalogue.js';
import type { ColumnDefinition } from '../metadata/TableDefinition.js';
import { isLookupValue, type CellValue, type Row } from '../store/Row.js';
import type { Store } from '../store/Store.js';

export interface ResolvedProperty {
  readonly column: ColumnDefinition;
  readonly get: (row: Row) => CellValue;
}

/**
 * Resolves a property name as a query names it: a column, `_<lookup>_value`, or a path
 * through single-valued navigation properties (`parentcustomerid_account/name`). Lookup
 * columns themselves are only addressable as `_<lookup>_value`, as in Dataverse.
 */
export function resolveProperty(
  table: TableMetadata,
  path: readonly string[],
  catalogue: Catalogue,
  store: Store,
): ResolvedProperty {
  const [head = '', ...rest] = path;
  if (rest.length > 0) {
    const nav = table.navigationProperties.get(head);
    const target = nav === undefined ? undefined : catalogue.byLogicalName(nav.target.table);
    if (nav === undefined || target === undefined) throw dataverseErrors.unknownProperty(head, table.logicalName);
    const inner = resolveProperty(target, rest, catalogue, store);
    const columnName = nav.column.name;
    const targetTable = nav.target.table;
    return {
      column: inner.column,
      get: (row) => {
        const link = row.values[columnName];
        if (!isLookupValue(link) || link.table !== targetTable) return null;
        const related = store.get(targetTable, link.id);
        return related === undefined ? null : inner.get(related);
      },
    };
  }
  const lookup = table.lookupValueNames.get(head);
  if (lookup !== undefined) return { column: lookup, get: (row) => row.values[lookup.name] ?? null };
  const column = table.columns.get(head);
  if (column === undefined || column.type === 'lookup') throw dataverseErrors.unknownProperty(head, table.logicalName);
  return { column, get: (row) => row.values[head] ?? null };
}
