import { compileFilter } from '../odata/compileFilter.js';
import type { QueryContext, RowPredicate } from '../odata/FilterContext.js';
import { FORMATTED_VALUE, formattedValue } from '../records/formattedValue.js';
import { isLookupValue, type Row } from '../store/Row.js';
import type { FetchLink } from './parseFetchXml.js';

/** A link ready to read rows with: an outer link's own filter compiled on its table. */
export interface BoundLink extends FetchLink {
  readonly shows: RowPredicate | undefined;
}

export function bindLinks(links: readonly FetchLink[], ctx: QueryContext): BoundLink[] {
  return links
    .filter((link) => link.columns.length > 0)
    .map((link) => ({
      ...link,
      shows: link.filter === undefined ? undefined : compileFilter(link.filter, { ...ctx, table: link.table }),
    }));
}

const ATTRIBUTE_NAME = 'OData.Community.Display.V1.AttributeName';

/**
 * Adds each many-to-one link's columns to a formatted row, as `<alias>.<column>` (a lookup as
 * its id), leaving out nulls as FetchXML does. With formatted values asked for, each carries
 * its `FormattedValue` and the `AttributeName` it came from.
 */
export function addLinkedColumns(
  out: Record<string, unknown>,
  row: Row,
  links: readonly BoundLink[],
  annotations: boolean,
  ctx: QueryContext,
): void {
  for (const link of links) {
    const ref = row.values[link.lookup];
    const linked =
      isLookupValue(ref) && ref.table === link.table.logicalName ? ctx.store.get(ref.table, ref.id) : undefined;
    if (linked === undefined || (link.shows !== undefined && link.shows(linked) !== true)) continue;
    for (const column of link.columns) {
      const value = linked.values[column.name] ?? null;
      if (value === null) continue;
      const key = `${link.alias}.${column.name}`;
      out[key] = isLookupValue(value) ? value.id : value;
      if (!annotations) continue;
      out[`${key}@${ATTRIBUTE_NAME}`] = column.name;
      const formatted = formattedValue(column, value, ctx);
      if (formatted !== undefined) out[`${key}@${FORMATTED_VALUE}`] = formatted;
    }
  }
}
