import { randomUUID } from 'node:crypto';
import type { TableMetadata } from '../metadata/Catalogue.js';
import type { ColumnDefinition } from '../metadata/TableDefinition.js';
import type { CellValue, Row } from '../store/Row.js';
import type { Store } from '../store/Store.js';
import { toDataverseDateTime } from './parseRecordBody.js';

interface RowShape {
  /** Every column null: a new row starts as a copy of it. */
  readonly empty: Readonly<Record<string, CellValue>>;
  readonly computed: readonly ColumnDefinition[];
  readonly owned: boolean;
}

/** Per table, what every new row repeats: worked out once, not once per create. */
const shapes = new WeakMap<TableMetadata, RowShape>();

function shapeOf(table: TableMetadata): RowShape {
  let shape = shapes.get(table);
  if (shape === undefined) {
    const empty: Record<string, CellValue> = {};
    for (const column of table.definition.columns) empty[column.name] = null;
    shape = {
      empty,
      computed: table.definition.columns.filter((c) => c.compute !== undefined),
      owned: table.columns.get('ownerid')?.type === 'lookup',
    };
    shapes.set(table, shape);
  }
  return shape;
}

function withComputed(table: TableMetadata, values: Record<string, CellValue>): Record<string, CellValue> {
  for (const column of shapeOf(table).computed) values[column.name] = (column.compute?.(values) ?? null) as CellValue;
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
  const shape = shapeOf(table);
  const values: Record<string, CellValue> = { ...shape.empty };
  Object.assign(values, changes);
  // A record with an owner belongs to whoever created it unless the body names another.
  if (caller !== undefined && values.ownerid === null && shape.owned)
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
