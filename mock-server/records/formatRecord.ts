import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { Catalogue, TableMetadata } from '../metadata/Catalogue.js';
import { includesAnnotation } from '../odata/parsePrefer.js';
import { FORMATTED_VALUE, formattedValue } from './formattedValue.js';
import type { ExpandItem } from '../odata/QueryOptions.js';
import { isLookupValue, type Row } from '../store/Row.js';
import type { Store } from '../store/Store.js';

export function etagOf(row: Row): string {
  return `W/"${row.version}"`;
}

export interface FormatOptions {
  readonly select: readonly string[] | undefined;
  readonly expand: readonly ExpandItem[];
  /** From `Prefer: odata.include-annotations`; lookups then carry their target table and navigation property. */
  readonly lookupAnnotations: boolean;
  /** From `Prefer: odata.include-annotations`: `FormattedValue` beside each value the mock can format. */
  readonly formattedValues?: boolean;
}

/** Checks `$select`/`$expand` names once per request, before any row is formatted. */
export function validateProjection(table: TableMetadata, options: FormatOptions, catalogue: Catalogue): void {
  for (const name of options.select ?? []) {
    const column = table.columns.get(name);
    if (table.lookupValueNames.has(name)) continue;
    if (column === undefined || column.type === 'lookup')
      throw dataverseErrors.unknownProperty(name, table.logicalName);
  }
  for (const item of options.expand) {
    const nav = table.navigationProperties.get(item.navigationProperty);
    if (nav === undefined) throw dataverseErrors.unknownProperty(item.navigationProperty, table.logicalName);
    const target = catalogue.byLogicalName(nav.target.table);
    if (target !== undefined)
      validateProjection(target, { select: item.select, expand: [], lookupAnnotations: false }, catalogue);
  }
}

/** Annotation selection in `Prefer: odata.include-annotations` ("*", or a list of names and wildcards). */
export function wantsLookupAnnotations(includeAnnotations: string | undefined): boolean {
  return includesAnnotation(includeAnnotations, 'Microsoft.Dynamics.CRM.lookuplogicalname');
}

/** The annotations a request asks for, as format options. */
export function annotationOptions(
  includeAnnotations: string | undefined,
): Pick<FormatOptions, 'lookupAnnotations' | 'formattedValues'> {
  return {
    lookupAnnotations: wantsLookupAnnotations(includeAnnotations),
    formattedValues: includesAnnotation(includeAnnotations, FORMATTED_VALUE),
  };
}

/**
 * A stored row as Dataverse returns it: `@odata.context` when given, `@odata.etag`, the
 * selected columns (all when no `$select`), lookups as `_<name>_value`, and the primary key always.
 */
export function formatRecord(
  table: TableMetadata,
  row: Row,
  options: FormatOptions,
  ctx: { catalogue: Catalogue; store: Store },
  context?: string,
): Record<string, unknown> {
  // The context goes in first, not spread in later: spreading a record into a new literal
  // costs more than formatting it (9 µs against 4), on every answer.
  const out: Record<string, unknown> =
    context === undefined ? { '@odata.etag': etagOf(row) } : { '@odata.context': context, '@odata.etag': etagOf(row) };
  const names = options.select ?? [...table.columns.keys()];
  const emit = (columnName: string): void => {
    const column = table.columns.get(columnName) ?? table.lookupValueNames.get(columnName);
    if (column === undefined) return;
    const value = row.values[column.name] ?? null;
    const key = column.type === 'lookup' ? `_${column.name}_value` : column.name;
    if (options.formattedValues === true) {
      const formatted = formattedValue(column, value, ctx);
      if (formatted !== undefined) out[`${key}@${FORMATTED_VALUE}`] = formatted;
    }
    if (column.type === 'lookup') {
      out[key] = isLookupValue(value) ? value.id : null;
      if (options.lookupAnnotations && isLookupValue(value)) {
        const nav = column.targets?.find((t) => t.table === value.table);
        out[`${key}@Microsoft.Dynamics.CRM.lookuplogicalname`] = value.table;
        if (nav !== undefined)
          out[`${key}@Microsoft.Dynamics.CRM.associatednavigationproperty`] = nav.navigationProperty;
      }
    } else {
      out[column.name] = value;
    }
  };
  for (const name of names) emit(name);
  if (!(table.primaryKey in out)) out[table.primaryKey] = row.values[table.primaryKey];
  for (const item of options.expand) {
    const nav = table.navigationProperties.get(item.navigationProperty);
    if (nav === undefined) continue;
    const link = row.values[nav.column.name];
    const target = ctx.catalogue.byLogicalName(nav.target.table);
    const related =
      isLookupValue(link) && link.table === nav.target.table ? ctx.store.get(link.table, link.id) : undefined;
    out[item.navigationProperty] =
      related === undefined || target === undefined
        ? null
        : formatRecord(target, related, { select: item.select, expand: [], lookupAnnotations: false }, ctx);
  }
  return out;
}
