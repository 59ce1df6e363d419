import { randomUUID } from 'node:crypto';
import type { TableMetadata } from '../metadata/Catalogue.js';
import type { CellValue, Row } from '../store/Row.js';
import type { Store } from '../store/Store.js';
import { toDataverseDateTime } from './parseRecordBody.js';

function withComputed(table: TableMetadata, values: Record<string, CellValue>): Record<string, CellValue> {
  for (const column of table.definition.columns) {
    if (column.compute !== undefined) values[column.name] = (column.compute(values) ?? null) as CellValue;
  }
  return values;
}

/** A new row from validated changes: server columns set, missing columns null, computed columns derived. */
export function buildNewRow(
  table: TableMetadata,
  changes: Record<string, CellValue>,
  store: Store,
  nowMs: number,
  caller?: string,
): Row {
  const values: Record<string, CellValue> = {};
  for (const column of table.definition.columns) values[column.name] = null;
  Object.assign(values, changes);
  // A record with an owner belongs to whoever created it unless the body names another.
  if (caller !== undefined && values.ownerid === null && table.columns.get('ownerid')?.type === 'lookup')
    values.ownerid = { id: caller, table: 'systemuser' };
  const now = toDataverseDateTime(nowMs);
  const version = store.nextVersion();
  values[table.primaryKey] =
    typeof changes[table.primaryKey] === 'string' ? (changes[table.primaryKey] ?? null) : randomUUID();
  values.createdon = now;
  values.modifiedon = now;
  values.versionnumber = version;
  values.statecode ??= 0;
  values.statuscode ??= 1;
  return { values: withComputed(table, values), version };
}

/** The next version of a row with `changes` applied; the primary key never changes. */
export function buildUpdatedRow(
  table: TableMetadata,
  existing: Row,
  changes: Record<string, CellValue>,
  store: Store,
  nowMs: number,
): Row {
  const values: Record<string, CellValue> = { ...existing.values, ...changes };
  const version = store.nextVersion();
  values[table.primaryKey] = existing.values[table.primaryKey] ?? null;
  values.createdon = existing.values.createdon ?? null;
  values.modifiedon = toDataverseDateTime(nowMs);
  values.versionnumber = version;
  return { values: withComputed(table, values), version };
}
