import type { Catalogue } from '../metadata/Catalogue.js';
import type { ColumnDefinition } from '../metadata/TableDefinition.js';
import { isLookupValue, type CellValue } from '../store/Row.js';
import type { Store } from '../store/Store.js';

export const FORMATTED_VALUE = 'OData.Community.Display.V1.FormattedValue';

// Dataverse formats for the calling user's settings; the mock's users read English (United
// States), in UTC, in US dollars.
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** `M/D/YYYY h:mm AM`, as Dataverse shows a date and time to an en-US user. */
function formatDateTime(text: string): string | undefined {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  const d = new Date(ms);
  const hours = d.getUTCHours();
  const minutes = String(d.getUTCMinutes()).padStart(2, '0');
  const date = `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`;
  return `${date} ${hours % 12 === 0 ? 12 : hours % 12}:${minutes} ${hours < 12 ? 'AM' : 'PM'}`;
}

type Context = { readonly catalogue: Catalogue; readonly store: Store };
type Formatter = (value: Exclude<CellValue, null>, column: ColumnDefinition, ctx: Context) => string | undefined;

const numberWith =
  (format: Intl.NumberFormat): Formatter =>
  (value) =>
    typeof value === 'number' ? format.format(value) : undefined;

function lookupName(value: Exclude<CellValue, null>, _column: ColumnDefinition, ctx: Context): string | undefined {
  if (!isLookupValue(value)) return undefined;
  const target = ctx.catalogue.byLogicalName(value.table);
  const name =
    target === undefined ? undefined : ctx.store.get(value.table, value.id)?.values[target.definition.primaryName];
  return typeof name === 'string' ? name : undefined;
}

const FORMATTERS: Readonly<Record<ColumnDefinition['type'], Formatter | undefined>> = {
  lookup: lookupName,
  money: numberWith(money),
  int: numberWith(integer),
  decimal: numberWith(decimal),
  datetime: (value) => (typeof value === 'string' ? formatDateTime(value) : undefined),
  // A new yes/no column is labelled Yes and No unless its maker named the values.
  bool: (value, column) =>
    typeof value === 'boolean' ? (column.labels?.[String(value)] ?? (value ? 'Yes' : 'No')) : undefined,
  choice: (value, column) => (typeof value === 'number' ? column.labels?.[String(value)] : undefined),
  string: undefined,
  memo: undefined,
  guid: undefined,
};

/**
 * The `FormattedValue` annotation of a stored value, or undefined where the mock cannot know
 * it: a choice without labels, a lookup whose record is gone. Lookups show the related
 * record's primary name; choices and yes/no columns their labels.
 */
export function formattedValue(column: ColumnDefinition, value: CellValue, ctx: Context): string | undefined {
  return value === null ? undefined : FORMATTERS[column.type]?.(value, column, ctx);
}
