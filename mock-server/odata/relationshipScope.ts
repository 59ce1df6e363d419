import type { CollectionNavigationProperty } from '../metadata/Catalogue.js';
import type { FilterNode } from './FilterAst.js';

/** The records of a relationship that point at one record: `_<lookup>_value eq <id>`, as a filter. */
export function relationshipScope(relationship: CollectionNavigationProperty, id: string): FilterNode {
  return {
    kind: 'compare',
    op: 'eq',
    left: { kind: 'property', path: [`_${relationship.column.name}_value`], position: 0 },
    right: { kind: 'literal', type: 'guid', value: id, text: id },
  };
}
