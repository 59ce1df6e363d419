import type { CollectionNavigationProperty, TableMetadata } from '../metadata/Catalogue.js';
import { isLookupValue, type Row } from '../store/Row.js';
import type { Store } from '../store/Store.js';

/**
 * The records of a one-to-many relationship grouped by the record they point at, in one pass
 * over the related table. Built once per query and read once per parent row, so an `$expand`
 * or a lambda over a page of parents costs one scan of the related table, not one per parent.
 */
export function childrenByParent(
  store: Store,
  relationship: CollectionNavigationProperty,
  parent: TableMetadata,
): Map<string, Row[]> {
  const column = relationship.column.name;
  const byParent = new Map<string, Row[]>();
  for (const child of store.rows(relationship.table)) {
    const link = child.values[column];
    if (!isLookupValue(link) || link.table !== parent.logicalName) continue;
    const list = byParent.get(link.id);
    if (list === undefined) byParent.set(link.id, [child]);
    else list.push(child);
  }
  return byParent;
}
