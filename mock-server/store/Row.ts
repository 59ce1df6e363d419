/** A lookup's stored value: the target's id and its table (lookups may be polymorphic). */
export interface LookupValue {
  readonly id: string;
  readonly table: string;
}

export type CellValue = string | number | boolean | LookupValue | null;

/** One stored record. `values` is keyed by column logical name and is never mutated in place. */
export interface Row {
  readonly values: Readonly<Record<string, CellValue>>;
  readonly version: number;
}

export function isLookupValue(value: unknown): value is LookupValue {
  return typeof value === 'object' && value !== null && 'id' in value && 'table' in value;
}
