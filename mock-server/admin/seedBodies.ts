import type { CustomTableConfig } from '../config/mockConfigSchema.js';
import { Catalogue } from '../metadata/Catalogue.js';
import type { TableDefinition } from '../metadata/TableDefinition.js';
import { isLookupValue, type CellValue } from '../store/Row.js';
import { generateRecords } from './seedData.js';

/** One record of a scenario's data, as a Web API client creates it in an org. */
export interface SeedBody {
  readonly table: string;
  readonly entitySetName: string;
  readonly primaryKey: string;
  /** The record's number within its table, from 0. */
  readonly index: number;
  readonly id: string;
  /** The body of `POST <set>` or one `CreateMultiple` target: lookups bound with `@odata.bind`. */
  readonly body: Readonly<Record<string, unknown>>;
  /** The generated values by column (lookups as `{ id, table }`): what a planner reads of the record. */
  readonly values: Readonly<Record<string, CellValue>>;
}

/**
 * Alternate keys identify a record as its id does: text key columns carry the run's tag, so the
 * data of two runs (or a run and the org's own records) never share a key.
 */
function withOwnKeys(
  values: Readonly<Record<string, CellValue>>,
  definition: TableDefinition,
  index: number,
  tag: string,
): Record<string, CellValue> {
  const out = { ...values };
  for (const name of new Set(definition.alternateKeys.flat())) {
    const column = definition.columns.find((c) => c.name === name);
    const value = out[name];
    if (typeof value !== 'string' || column === undefined) continue;
    const max = column.maxLength ?? Number.MAX_SAFE_INTEGER;
    const tagged = `${value}-${tag}`;
    out[name] = tagged.length <= max ? tagged : `${tag}${(index + 1).toString(36)}`.slice(-max);
  }
  return out;
}

/**
 * The records `POST /_mock/seed` would store for this seed and these counts, as Web API
 * bodies: the same values on every target, so a scenario's data means the same thing on the
 * mock and on an org, but for identity (ids from `idOf`, text alternate keys tagged with
 * `keyTag`). System and computed columns are left to the server, as in any create.
 */
export function* seedBodies(
  request: { readonly seed: number; readonly counts: Readonly<Record<string, number>> },
  customTables: readonly CustomTableConfig[],
  identity: { readonly idOf: (table: string, index: number) => string; readonly keyTag: string },
): Generator<SeedBody> {
  const { catalogue } = Catalogue.build(customTables);
  const entitySets = new Map([...catalogue.tables()].map((t) => [t.logicalName, t.entitySetName]));
  for (const record of generateRecords({ ...request, referenceTime: 0 }, catalogue, identity.idOf)) {
    const { table } = record;
    const values = withOwnKeys(record.values, table.definition, record.index, identity.keyTag);
    const body: Record<string, unknown> = { [table.primaryKey]: record.id };
    for (const [name, value] of Object.entries(values)) {
      const column = table.columns.get(name);
      if (value === null || column === undefined || column.compute !== undefined) continue;
      if (isLookupValue(value)) {
        const nav = column.targets?.find((t) => t.table === value.table)?.navigationProperty;
        const set = entitySets.get(value.table);
        if (nav !== undefined && set !== undefined) body[`${nav}@odata.bind`] = `/${set}(${value.id})`;
      } else body[name] = value;
    }
    yield {
      table: table.logicalName,
      entitySetName: table.entitySetName,
      primaryKey: table.primaryKey,
      index: record.index,
      id: record.id,
      body,
      values,
    };
  }
}
