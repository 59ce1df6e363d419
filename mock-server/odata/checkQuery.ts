import type { CustomTableConfig } from '../config/mockConfigSchema.js';
import { DataverseError } from '../errors/DataverseError.js';
import { Catalogue, type TableMetadata } from '../metadata/Catalogue.js';
import { validateProjection } from '../records/formatRecord.js';
import { Store } from '../store/Store.js';
import { dataverseErrors } from '../errors/dataverseErrors.js';
import { parseFetchXml } from '../fetchxml/parseFetchXml.js';
import { readXmlElement } from '../fetchxml/readXmlElement.js';
import { compileFilter } from './compileFilter.js';
import { parseApply } from './parseApply.js';
import { parseQueryOptions } from './parseQueryOptions.js';
import { resolveProperty } from './resolveProperty.js';

export interface QueryParts {
  readonly select?: readonly string[] | undefined;
  readonly filter?: string | undefined;
  readonly orderBy?: string | undefined;
  readonly expand?: string | undefined;
  readonly fetchXml?: string | undefined;
  readonly apply?: string | undefined;
}

type QueryOption = 'select' | 'filter' | 'orderBy' | 'expand' | 'fetchXml' | 'apply';

/** Where a check looked: the standard tables and the custom ones given. */
function catalogueOf(customTables: readonly CustomTableConfig[]): Catalogue {
  return Catalogue.build(customTables).catalogue;
}

function messageOf(error: unknown): string {
  if (error instanceof DataverseError) return error.message;
  throw error;
}

/**
 * Checks a query's `$select`, `$filter` and `$orderby` exactly as the mock would answer them:
 * the same parser, the same column and type rules. Returns the problems (empty: none).
 */
export function checkQuery(
  customTables: readonly CustomTableConfig[],
  logicalName: string,
  parts: QueryParts,
  checkNames = true,
): { option: QueryOption; message: string }[] {
  const catalogue = catalogueOf(customTables);
  const table = catalogue.byLogicalName(logicalName);
  const problems: { option: QueryOption; message: string }[] = [];
  const tryOption = (
    option: QueryOption,
    query: string,
    bind: (t: TableMetadata, parsed: ReturnType<typeof parseQueryOptions>) => void,
  ): void => {
    try {
      const parsed = parseQueryOptions(query);
      if (checkNames && table !== undefined) bind(table, parsed);
    } catch (error) {
      problems.push({ option, message: messageOf(error) });
    }
  };
  if (parts.select !== undefined) {
    tryOption('select', `$select=${encodeURIComponent(parts.select.join(','))}`, (t, q) => {
      validateProjection(t, { select: q.select, expand: [], lookupAnnotations: false }, catalogue);
    });
  }
  if (parts.filter !== undefined) {
    tryOption('filter', `$filter=${encodeURIComponent(parts.filter)}`, (t, q) => {
      if (q.filter !== undefined)
        compileFilter(q.filter, { table: t, catalogue, store: new Store(catalogue), now: Date.now });
    });
  }
  if (parts.orderBy !== undefined) {
    tryOption('orderBy', `$orderby=${encodeURIComponent(parts.orderBy)}`, (t, q) => {
      for (const item of q.orderBy) resolveProperty(t, item.path, catalogue, new Store(catalogue));
    });
  }
  if (parts.expand !== undefined) {
    tryOption('expand', `$expand=${encodeURIComponent(parts.expand)}`, (t, q) => {
      validateProjection(t, { select: undefined, expand: q.expand, lookupAnnotations: false }, catalogue);
    });
  }
  if (parts.apply !== undefined) {
    const text = parts.apply;
    tryOption('apply', '', (t) => {
      parseApply(text, t, { catalogue, store: new Store(catalogue), now: Date.now });
    });
  }
  if (parts.fetchXml !== undefined) {
    const xml = parts.fetchXml;
    try {
      // Without the table (an org's own), only the document's form can be checked.
      if (checkNames && table !== undefined) {
        const query = parseFetchXml(xml, table, catalogue);
        if (query.filter !== undefined)
          compileFilter(query.filter, { table, catalogue, store: new Store(catalogue), now: Date.now });
      } else {
        const root = readXmlElement(xml);
        if (typeof root === 'string')
          throw dataverseErrors.querySyntax(`FetchXML: the query is not well-formed XML: ${root}`);
      }
    } catch (error) {
      problems.push({ option: 'fetchXml', message: messageOf(error) });
    }
  }
  return problems;
}

/**
 * Checks the column names a write would send (`values`, `set`) and the navigation properties
 * of its lookups against a table's definition. Returns one message per unknown name.
 */
export function checkColumns(
  customTables: readonly CustomTableConfig[],
  logicalName: string,
  columns: readonly string[],
  lookups: Readonly<Record<string, string>> = {},
): string[] {
  const table = catalogueOf(customTables).byLogicalName(logicalName);
  if (table === undefined) return [];
  const problems: string[] = [];
  const writable = [...table.columns.values()]
    .filter((c) => c.type !== 'lookup' && c.readOnly !== true)
    .map((c) => c.name);
  for (const name of columns) {
    const column = table.columns.get(name);
    if (column === undefined)
      problems.push(`${name}: no column '${name}' on ${logicalName} (its columns: ${writable.join(', ')})`);
    else if (column.type === 'lookup')
      problems.push(
        `${name}: '${name}' is a lookup; set it under lookups with its navigation property (` +
          `${[...table.navigationProperties.keys()].join(', ')})`,
      );
    else if (column.readOnly === true) problems.push(`${name}: '${name}' is computed by the server and cannot be set`);
  }
  for (const [nav, target] of Object.entries(lookups)) {
    const property = table.navigationProperties.get(nav);
    if (property === undefined)
      problems.push(
        `${nav}: no navigation property '${nav}' on ` +
          `${logicalName} (its navigation properties: ${[...table.navigationProperties.keys()].join(', ') || 'none'})`,
      );
    else if (property.target.table !== target)
      problems.push(`${nav}: '${nav}' points at ${property.target.table}, not ${target}`);
  }
  return problems;
}
