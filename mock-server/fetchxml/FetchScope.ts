import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import type { ColumnDefinition } from '../metadata/TableDefinition.js';
import type { PropertyPath } from '../odata/FilterAst.js';
import { invalid } from './fetchXmlErrors.js';

/**
 * Where a FetchXML element's names are looked up: the table of its `<entity>` or
 * `<link-entity>`, and the navigation path that reaches that table from the queried one (empty
 * for the entity itself), so conditions become filters on the queried table's rows.
 */
export interface FetchScope {
  readonly table: TableMetadata;
  readonly prefix: readonly string[];
  /** Link-entity aliases a condition's `entityname` may name (many-to-one links only). */
  readonly links: ReadonlyMap<string, FetchScope>;
}

export function columnOf(table: TableMetadata, name: string | undefined, where: string): ColumnDefinition {
  if (name === undefined || name === '') throw invalid(`<${where}> needs an attribute name.`);
  const column = table.columns.get(name);
  if (column === undefined) {
    throw dataverseErrors.querySyntax(`'${table.logicalName}' entity doesn't contain attribute with Name = '${name}'.`);
  }
  return column;
}

/** The name the response and the executor use: a lookup is read as `_<name>_value`. */
export function responseName(column: ColumnDefinition): string {
  return column.type === 'lookup' ? `_${column.name}_value` : column.name;
}

/** A column of the scope's table as a property of the queried table's rows. */
export function propertyIn(scope: FetchScope, column: ColumnDefinition): PropertyPath {
  return { kind: 'property', path: [...scope.prefix, responseName(column)], position: 0 };
}
