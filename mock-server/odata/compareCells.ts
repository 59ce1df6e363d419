import { isLookupValue, type CellValue } from '../store/Row.js';

/** A comparable form of a cell: strings fold case (SQL collation), lookups compare by id, datetimes by instant. */
export function comparable(value: CellValue | undefined, isDateTime: boolean): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  if (isLookupValue(value)) return value.id;
  if (typeof value === 'string') return isDateTime ? Date.parse(value) : value.toLowerCase();
  return value;
}

/** Orders two comparable values; nulls sort first, as SQL Server does ascending. */
export function compareComparable(a: string | number | boolean | null, b: string | number | boolean | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}
