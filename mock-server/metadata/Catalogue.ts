import { builtInTables, systemColumns } from './builtInTables.js';
import type { ColumnDefinition, LookupTarget, TableDefinition } from './TableDefinition.js';
import type { CustomTableConfig } from '../config/mockConfigSchema.js';

export interface NavigationProperty {
  readonly name: string;
  readonly column: ColumnDefinition;
  readonly target: LookupTarget;
}

/** A one-to-many relationship seen from its target: the records of `table` whose `column` points here. */
export interface CollectionNavigationProperty {
  readonly name: string;
  /** Logical name of the referencing table. */
  readonly table: string;
  readonly column: ColumnDefinition;
  /** The referencing table's single-valued navigation property for this relationship (its partner). */
  readonly partner: string;
}

/** One table with the indexes handlers need: columns and navigation properties by name. */
export interface TableMetadata {
  readonly definition: TableDefinition;
  readonly logicalName: string;
  readonly entitySetName: string;
  readonly primaryKey: string;
  readonly columns: ReadonlyMap<string, ColumnDefinition>;
  readonly navigationProperties: ReadonlyMap<string, NavigationProperty>;
  /** `_<lookup>_value` → lookup column. */
  readonly lookupValueNames: ReadonlyMap<string, ColumnDefinition>;
  /** One-to-many relationships by name: the records of other tables (or this one) that point here. */
  readonly collectionNavigationProperties: ReadonlyMap<string, CollectionNavigationProperty>;
}

type CustomColumnConfig = CustomTableConfig['columns'][number];

/** A configured column with the defaults Dataverse gives: text lengths, no options, one lookup target. */
function columnFromConfig(c: CustomColumnConfig, table: string): ColumnDefinition {
  const base = { name: c.name, type: c.type, ...(c.labels === undefined ? {} : { labels: c.labels }) } as const;
  if (c.type === 'string' || c.type === 'memo')
    return { ...base, maxLength: c.maxLength ?? (c.type === 'memo' ? 2000 : 100) };
  if (c.type === 'choice') return { ...base, options: c.options ?? [] };
  if (c.type === 'lookup') {
    const target = c.target ?? '';
    const relationship = c.relationship ?? `${target}_${table}_${c.name}`;
    return { ...base, targets: [{ table: target, navigationProperty: c.navigationProperty ?? c.name, relationship }] };
  }
  return base;
}

function fromConfig(table: CustomTableConfig): TableDefinition {
  const primaryKey = table.primaryKey ?? `${table.logicalName}id`;
  const columns: ColumnDefinition[] = [
    { name: primaryKey, type: 'guid' },
    ...table.columns.filter((c) => c.name !== primaryKey).map((c) => columnFromConfig(c, table.logicalName)),
  ];
  for (const s of systemColumns()) if (!columns.some((c) => c.name === s.name)) columns.push(s);
  const primaryName = table.primaryName ?? columns.find((c) => c.type === 'string')?.name ?? primaryKey;
  return {
    logicalName: table.logicalName,
    entitySetName: table.entitySetName,
    primaryKey,
    primaryName,
    columns,
    alternateKeys: table.alternateKeys,
  };
}

/** Labels name values the column can hold: a choice's options, or true and false. */
function labelProblems(c: CustomColumnConfig, at: string): string[] {
  if (c.labels === undefined) return [];
  if (c.type !== 'choice' && c.type !== 'bool') return [`${at}.labels: only for choice and bool columns`];
  const values = c.type === 'bool' ? ['true', 'false'] : (c.options ?? []).map(String);
  return Object.keys(c.labels)
    .filter((k) => !values.includes(k))
    .map((k) => `${at}.labels.${k}: not a value of this column (${values.join(', ')})`);
}

/** A relationship is a navigation property of its target table: its name must be free there. */
function relationshipClashes(
  definitions: readonly TableDefinition[],
  customTables: readonly CustomTableConfig[],
): string[] {
  const names = new Map<string, Set<string>>();
  for (const d of definitions) {
    const own = d.columns.flatMap((c) => [c.name, ...(c.targets ?? []).map((t) => t.navigationProperty)]);
    names.set(d.logicalName, new Set(own));
  }
  const problems: string[] = [];
  for (const d of definitions) {
    const i = customTables.findIndex((t) => t.logicalName === d.logicalName);
    for (const column of d.columns)
      for (const target of column.targets ?? []) {
        const taken = names.get(target.table);
        if (taken === undefined) continue;
        if (taken.has(target.relationship)) {
          const j = customTables[i]?.columns.findIndex((c) => c.name === column.name) ?? -1;
          problems.push(
            `tables[${i}].columns[${j}].relationship: '${target.relationship}' is already a ` +
              `column or relationship of '${target.table}'`,
          );
        }
        taken.add(target.relationship);
      }
  }
  return problems;
}

/**
 * Every table the mock serves, indexed by logical name and entity set name. Built once
 * from the standard tables and the config's custom tables; cross-table rules (unique names,
 * lookup targets, key columns) are checked here and reported as a list of problems.
 */
export class Catalogue {
  readonly #byLogicalName = new Map<string, TableMetadata>();
  readonly #byEntitySet = new Map<string, TableMetadata>();

  private constructor(definitions: readonly TableDefinition[]) {
    for (const definition of definitions) {
      const columns = new Map(definition.columns.map((c) => [c.name, c]));
      const navigationProperties = new Map<string, NavigationProperty>();
      const lookupValueNames = new Map<string, ColumnDefinition>();
      for (const column of definition.columns) {
        if (column.type !== 'lookup') continue;
        lookupValueNames.set(`_${column.name}_value`, column);
        for (const target of column.targets ?? []) {
          navigationProperties.set(target.navigationProperty, { name: target.navigationProperty, column, target });
        }
      }
      const meta: TableMetadata = {
        definition,
        logicalName: definition.logicalName,
        entitySetName: definition.entitySetName,
        primaryKey: definition.primaryKey,
        columns,
        navigationProperties,
        lookupValueNames,
        collectionNavigationProperties: new Map(),
      };
      this.#byLogicalName.set(definition.logicalName, meta);
      this.#byEntitySet.set(definition.entitySetName, meta);
    }
    // A relationship is declared on the referencing table's lookup; its target learns of it here.
    for (const referencing of this.#byLogicalName.values())
      for (const nav of referencing.navigationProperties.values()) {
        const target = this.#byLogicalName.get(nav.target.table);
        (target?.collectionNavigationProperties as Map<string, CollectionNavigationProperty> | undefined)?.set(
          nav.target.relationship,
          { name: nav.target.relationship, table: referencing.logicalName, column: nav.column, partner: nav.name },
        );
      }
  }

  static build(customTables: readonly CustomTableConfig[]): { catalogue: Catalogue; problems: string[] } {
    const problems: string[] = [];
    const definitions: TableDefinition[] = [...builtInTables];
    const logicalNames = new Set(builtInTables.map((t) => t.logicalName));
    const entitySets = new Set(builtInTables.map((t) => t.entitySetName));
    customTables.forEach((table, i) => {
      const at = `tables[${i}]`;
      if (logicalNames.has(table.logicalName)) {
        problems.push(`${at}.logicalName: '${table.logicalName}' is already a table`);
      }
      if (entitySets.has(table.entitySetName)) {
        problems.push(`${at}.entitySetName: '${table.entitySetName}' is already an entity set`);
      }
      logicalNames.add(table.logicalName);
      entitySets.add(table.entitySetName);
      const seen = new Set<string>();
      table.columns.forEach((c, j) => {
        const cat = `${at}.columns[${j}]`;
        if (seen.has(c.name)) problems.push(`${cat}.name: duplicate column '${c.name}'`);
        seen.add(c.name);
        if (c.type === 'lookup' && c.target === undefined) problems.push(`${cat}.target: required for a lookup column`);
        if (
          c.type !== 'lookup' &&
          (c.target !== undefined || c.navigationProperty !== undefined || c.relationship !== undefined)
        ) {
          problems.push(`${cat}: target, navigationProperty and relationship are only for lookup columns`);
        }
        if (c.type === 'choice' && c.options === undefined)
          problems.push(`${cat}.options: required for a choice column`);
        problems.push(...labelProblems(c, cat));
        if (c.maxLength !== undefined && c.type !== 'string' && c.type !== 'memo') {
          problems.push(`${cat}.maxLength: only for string and memo columns`);
        }
      });
      const def = fromConfig(table);
      table.alternateKeys.forEach((key, k) => {
        for (const name of key) {
          const col = def.columns.find((c) => c.name === name);
          if (col === undefined)
            problems.push(`${at}.alternateKeys[${k}]: no column '${name}' in table '${table.logicalName}'`);
          else if (col.type === 'memo' || col.type === 'bool') {
            problems.push(`${at}.alternateKeys[${k}]: column '${name}' of type ${col.type} cannot be part of a key`);
          }
        }
      });
      definitions.push(def);
    });
    customTables.forEach((table, i) => {
      table.columns.forEach((c, j) => {
        if (c.type === 'lookup' && c.target !== undefined && !logicalNames.has(c.target)) {
          problems.push(`tables[${i}].columns[${j}].target: no table named '${c.target}'`);
        }
      });
    });
    problems.push(...relationshipClashes(definitions, customTables));
    return { catalogue: new Catalogue(definitions), problems };
  }

  byEntitySet(name: string): TableMetadata | undefined {
    return this.#byEntitySet.get(name);
  }

  byLogicalName(name: string): TableMetadata | undefined {
    return this.#byLogicalName.get(name);
  }

  tables(): IterableIterator<TableMetadata> {
    return this.#byLogicalName.values();
  }
}
