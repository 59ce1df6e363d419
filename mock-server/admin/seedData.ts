import type { Catalogue, TableMetadata } from '../metadata/Catalogue.js';
import type { ColumnDefinition } from '../metadata/TableDefinition.js';
import { toDataverseDateTime } from '../records/parseRecordBody.js';
import type { CellValue, LookupValue } from '../store/Row.js';
import type { Store } from '../store/Store.js';
import { createPrng, hashSeed, type Prng } from './createPrng.js';

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

function valueFor(
  table: TableMetadata,
  column: ColumnDefinition,
  i: number,
  prng: Prng,
  row: Record<string, CellValue>,
): CellValue {
  const n = String(i + 1).padStart(6, '0');
  const fit = (s: string): string => s.slice(0, column.maxLength ?? s.length);
  const isKey = table.definition.alternateKeys.some((k) => k.includes(column.name));
  // Key columns must stay unique however short the column is: keep the distinguishing end.
  if (isKey && (column.type === 'string' || column.type === 'memo') && column.name !== 'accountnumber') {
    const value = `${column.name.toUpperCase()}-${n}`;
    return column.maxLength === undefined || value.length <= column.maxLength
      ? value
      : (i + 1).toString(36).toUpperCase().slice(-column.maxLength);
  }
  if (isKey && (column.type === 'int' || column.type === 'decimal')) return i + 1;
  switch (column.name) {
    case 'name':
      return fit(
        table.logicalName === 'account'
          ? `${prng.pick(COMPANY_WORDS)} ${prng.pick(COMPANY_SUFFIX)} ${n}`
          : `${table.logicalName} ${n}`,
      );
    case 'accountnumber':
      return `A-${n}`;
    case 'firstname':
      return prng.pick(FIRST);
    case 'lastname':
      return prng.pick(LAST);
    case 'emailaddress1':
    case 'internalemailaddress':
      return fit(
        `${(typeof row.firstname === 'string' ? row.firstname : table.logicalName).toLowerCase()}.${n}@example.com`,
      );
    case 'telephone1':
      return `+1-555-${n.slice(2)}`;
    case 'address1_city':
      return prng.pick(CITIES);
    case 'jobtitle':
      return prng.pick(JOBS);
    case 'quotenumber':
      return `QUO-${n}`;
    case 'domainname':
      return `user${n}@example.com`;
    default:
      break;
  }
  switch (column.type) {
    case 'string':
      return fit(`${column.name} ${n}`);
    case 'memo':
      return null;
    case 'int':
      return prng.int(1, 10_000);
    case 'decimal':
      return prng.int(1, 100);
    case 'money':
      return prng.int(100, 10_000_000) / 100;
    case 'bool':
      return prng.next() < 0.5;
    case 'choice':
      return column.options === undefined || column.options.length === 0 ? null : prng.pick(column.options);
    case 'datetime':
      return null;
    case 'guid':
      return null;
    case 'lookup':
      return null;
  }
}

/**
 * Generates `counts[table]` records per table from one seed. Tables are generated in the
 * order given, and a lookup points at a record of a target table generated before it, so
 * the same request always produces byte-identical data.
 */
export function seedData(request: SeedRequest, catalogue: Catalogue, store: Store): Record<string, number> {
  const created: Record<string, number> = {};
  const generatedIds = new Map<string, string[]>();
  for (const [logicalName, count] of Object.entries(request.counts)) {
    const table = catalogue.byLogicalName(logicalName);
    if (table === undefined) continue;
    const prng = createPrng(hashSeed(request.seed, logicalName));
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const values: Record<string, CellValue> = {};
      for (const column of table.definition.columns) {
        if (column.readOnly === true || column.name === table.primaryKey) continue;
        if (column.type === 'lookup') {
          const target = column.targets?.find((t) => (generatedIds.get(t.table)?.length ?? 0) > 0);
          const pool = target === undefined ? undefined : generatedIds.get(target.table);
          values[column.name] =
            target === undefined || pool === undefined
              ? null
              : ({ id: prng.pick(pool), table: target.table } satisfies LookupValue);
          continue;
        }
        values[column.name] = valueFor(table, column, i, prng, values);
      }
      const id = prng.uuid();
      const createdOn = toDataverseDateTime(
        request.referenceTime - prng.int(0, 364) * DAY - prng.int(0, DAY / 1000 - 1) * 1000,
      );
      values[table.primaryKey] = id;
      values.statecode = 0;
      values.statuscode = 1;
      values.createdon = createdOn;
      values.modifiedon = createdOn;
      const version = store.nextVersion();
      values.versionnumber = version;
      for (const column of table.definition.columns) {
        if (column.compute !== undefined) values[column.name] = (column.compute(values) ?? null) as CellValue;
      }
      store.insert(table.logicalName, { values, version });
      ids.push(id);
    }
    generatedIds.set(logicalName, [...(generatedIds.get(logicalName) ?? []), ...ids]);
    created[logicalName] = (created[logicalName] ?? 0) + count;
  }
  return created;
}
