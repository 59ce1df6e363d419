import type { Catalogue, TableMetadata } from '../metadata/Catalogue.js';
import { ownValue } from '../../util/ownValue.js';
import type { ColumnDefinition } from '../metadata/TableDefinition.js';
import { toDataverseDateTime } from '../records/parseRecordBody.js';
import type { CellValue, LookupValue } from '../store/Row.js';
import type { Store } from '../store/Store.js';
import { createPrng, hashSeed, type Prng } from '../../util/createPrng.js';

const COMPANY_WORDS = [
  'Contoso',
  'Fabrikam',
  'Northwind',
  'Adventure Works',
  'Litware',
  'Tailspin',
  'Wingtip',
  'Proseware',
  'Woodgrove',
  'Alpine Ski House',
  'Coho',
  'Lucerne',
];
const COMPANY_SUFFIX = ['Ltd', 'Inc', 'GmbH', 'Traders', 'Holdings', 'Group', 'Partners', 'Labs'];
const FIRST = [
  'Anna',
  'Ben',
  'Chloe',
  'Dev',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kemi',
  'Liam',
  'Maya',
  'Nils',
  'Olga',
  'Pablo',
];
const LAST = [
  'Smith',
  'Garcia',
  'Müller',
  'Okafor',
  'Tanaka',
  'Rossi',
  'Novak',
  'Silva',
  'Khan',
  'Dubois',
  'Larsen',
  'Kowalski',
];
const CITIES = ['Seattle', 'London', 'Berlin', 'Lagos', 'Tokyo', 'Madrid', 'Sydney', 'Toronto', 'Paris', 'Oslo'];
const JOBS = ['Purchasing Manager', 'CFO', 'Engineer', 'Analyst', 'Buyer', 'Director'];
const DAY = 86_400_000;

export interface SeedRequest {
  readonly seed: number;
  readonly counts: Readonly<Record<string, number>>;
  /** Records get `createdon` within the year before this instant. */
  readonly referenceTime: number;
}

/** What a generator knows about the cell it fills. */
interface Cell {
  readonly table: TableMetadata;
  readonly column: ColumnDefinition;
  /** The record's number, zero-padded: unique within the table. */
  readonly n: string;
  readonly prng: Prng;
  readonly row: Record<string, CellValue>;
}

const fit = (c: Cell, s: string): string => s.slice(0, c.column.maxLength ?? s.length);

/** Columns with a realistic shape of their own, by name. */
const BY_NAME: Readonly<Record<string, (c: Cell) => CellValue>> = {
  name: (c) =>
    fit(
      c,
      c.table.logicalName === 'account'
        ? `${c.prng.pick(COMPANY_WORDS)} ${c.prng.pick(COMPANY_SUFFIX)} ${c.n}`
        : `${c.table.logicalName} ${c.n}`,
    ),
  accountnumber: (c) => `A-${c.n}`,
  firstname: (c) => c.prng.pick(FIRST),
  lastname: (c) => c.prng.pick(LAST),
  emailaddress1: (c) => email(c),
  internalemailaddress: (c) => email(c),
  telephone1: (c) => `+1-555-${c.n.slice(2)}`,
  address1_city: (c) => c.prng.pick(CITIES),
  jobtitle: (c) => c.prng.pick(JOBS),
  quotenumber: (c) => `QUO-${c.n}`,
  domainname: (c) => `user${c.n}@example.com`,
};

function email(c: Cell): string {
  const local = typeof c.row.firstname === 'string' ? c.row.firstname : c.table.logicalName;
  return fit(c, `${local.toLowerCase()}.${c.n}@example.com`);
}

/** Every other column, by type. */
const BY_TYPE: Readonly<Record<ColumnDefinition['type'], (c: Cell) => CellValue>> = {
  string: (c) => fit(c, `${c.column.name} ${c.n}`),
  memo: () => null,
  int: (c) => c.prng.int(1, 10_000),
  decimal: (c) => c.prng.int(1, 100),
  money: (c) => c.prng.int(100, 10_000_000) / 100,
  bool: (c) => c.prng.next() < 0.5,
  choice: (c) =>
    c.column.options === undefined || c.column.options.length === 0 ? null : c.prng.pick(c.column.options),
  datetime: () => null,
  guid: () => null,
  lookup: () => null,
};

/** Key columns must stay unique however short the column is: keep the distinguishing end. */
function keyValue(c: Cell, i: number): CellValue | undefined {
  const { column } = c;
  if (!c.table.definition.alternateKeys.some((k) => k.includes(column.name))) return undefined;
  if ((column.type === 'string' || column.type === 'memo') && column.name !== 'accountnumber') {
    const value = `${column.name.toUpperCase()}-${c.n}`;
    return column.maxLength === undefined || value.length <= column.maxLength
      ? value
      : (i + 1).toString(36).toUpperCase().slice(-column.maxLength);
  }
  if (column.type === 'int' || column.type === 'decimal') return i + 1;
  return undefined;
}

function valueFor(
  table: TableMetadata,
  column: ColumnDefinition,
  i: number,
  prng: Prng,
  row: Record<string, CellValue>,
): CellValue {
  const cell: Cell = { table, column, n: String(i + 1).padStart(6, '0'), prng, row };
  const key = keyValue(cell, i);
  if (key !== undefined) return key;
  const byName = ownValue(BY_NAME, column.name);
  return (byName ?? BY_TYPE[column.type])(cell);
}

/** A record of the first target table generated so far, or null when there is none yet. */
function lookupValue(column: ColumnDefinition, prng: Prng, generatedIds: ReadonlyMap<string, string[]>): CellValue {
  const target = column.targets?.find((t) => (generatedIds.get(t.table)?.length ?? 0) > 0);
  const pool = target === undefined ? undefined : generatedIds.get(target.table);
  if (target === undefined || pool === undefined) return null;
  return { id: prng.pick(pool), table: target.table } satisfies LookupValue;
}

/** One generated record: its table, its number within the table, and every column's value. */
export interface GeneratedRecord {
  readonly table: TableMetadata;
  readonly index: number;
  readonly id: string;
  /** Writable columns, lookups as `{ id, table }`, and `createdon`; no system or computed columns. */
  readonly values: Record<string, CellValue>;
  readonly createdOn: string;
}

/**
 * Generates `counts[table]` records per table from one seed. Tables are generated in the order
 * given, and a lookup points at a record of a target table generated before it, so the same
 * request always produces byte-identical data. `idOf` chooses the primary keys (an org run's
 * own, unguessable ids); the values never depend on it, so every target holds the same data.
 */
export function* generateRecords(
  request: SeedRequest,
  catalogue: Catalogue,
  idOf?: (table: string, index: number) => string,
): Generator<GeneratedRecord> {
  const generatedIds = new Map<string, string[]>();
  for (const [logicalName, count] of Object.entries(request.counts)) {
    const table = catalogue.byLogicalName(logicalName);
    if (table === undefined) continue;
    const prng = createPrng(hashSeed(request.seed, logicalName));
    const ids: string[] = [];
    const offset = generatedIds.get(logicalName)?.length ?? 0;
    for (let i = 0; i < count; i++) {
      const values: Record<string, CellValue> = {};
      for (const column of table.definition.columns) {
        if (column.readOnly === true || column.name === table.primaryKey) continue;
        values[column.name] =
          column.type === 'lookup' ? lookupValue(column, prng, generatedIds) : valueFor(table, column, i, prng, values);
      }
      // Drawn even when idOf chooses the key: the values that follow must not depend on it.
      const drawn = prng.uuid();
      const id = idOf?.(logicalName, offset + i) ?? drawn;
      const createdOn = toDataverseDateTime(
        request.referenceTime - prng.int(0, 364) * DAY - prng.int(0, DAY / 1000 - 1) * 1000,
      );
      ids.push(id);
      yield { table, index: offset + i, id, values, createdOn };
    }
    generatedIds.set(logicalName, [...(generatedIds.get(logicalName) ?? []), ...ids]);
  }
}

/** A generated record as the store holds it: system columns and computed columns included. */
function insertRecord(record: GeneratedRecord, store: Store): void {
  const { table } = record;
  const values: Record<string, CellValue> = { ...record.values };
  values[table.primaryKey] = record.id;
  values.statecode = 0;
  values.statuscode = 1;
  values.createdon = record.createdOn;
  values.modifiedon = record.createdOn;
  const version = store.nextVersion();
  values.versionnumber = version;
  for (const column of table.definition.columns) {
    if (column.compute !== undefined) values[column.name] = (column.compute(values) ?? null) as CellValue;
  }
  store.insert(table.logicalName, { values, version });
}

export function seedData(request: SeedRequest, catalogue: Catalogue, store: Store): Record<string, number> {
  const created: Record<string, number> = {};
  for (const [table, count] of Object.entries(request.counts))
    if (catalogue.byLogicalName(table) !== undefined) created[table] = (created[table] ?? 0) + count;
  for (const record of generateRecords(request, catalogue)) insertRecord(record, store);
  return created;
}
