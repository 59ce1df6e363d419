import type { CustomTableConfig } from '../config/mockConfigSchema.js';
import { Catalogue } from './Catalogue.js';

/** What a client needs to address a table: its entity set, primary key and alternate keys. */
export interface TableEntry {
  readonly logicalName: string;
  readonly entitySetName: string;
  readonly primaryKey: string;
  readonly alternateKeys: readonly (readonly string[])[];
}

/** The standard tables (as named in every Dataverse org) plus the given custom tables. */
export function tableDirectory(customTables: readonly CustomTableConfig[] = []): Map<string, TableEntry> {
  const { catalogue } = Catalogue.build(customTables);
  const out = new Map<string, TableEntry>();
  for (const t of catalogue.tables()) {
    out.set(t.logicalName, {
      logicalName: t.logicalName,
      entitySetName: t.entitySetName,
      primaryKey: t.primaryKey,
      alternateKeys: t.definition.alternateKeys,
    });
  }
  return out;
}
