import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import { metadataId } from '../metadata/entityDefinitions.js';
import type { MockContext } from '../MockContext.js';

/** A `$select` list over metadata properties: every name one the mock serves on `type`, or a 400 naming it. */
export function selectList(text: string, allowed: readonly string[], type: string): string[] {
  const names = text.split(',').map((n) => n.trim());
  for (const name of names)
    if (!allowed.includes(name))
      throw dataverseErrors.querySyntax(
        `Could not find a property named '` +
          `${name}' on type 'Microsoft.Dynamics.CRM.${type}' (the dvbench mock serves ${allowed.join(', ')}).`,
      );
  return names;
}

/** A metadata record cut to `$select` (its MetadataId always kept, as Dataverse does). */
export function pick(record: Record<string, unknown>, select: readonly string[] | undefined): Record<string, unknown> {
  if (select === undefined) return record;
  const out: Record<string, unknown> = { MetadataId: record.MetadataId };
  for (const name of select) if (name in record) out[name] = record[name];
  return out;
}

/** The name in a `(LogicalName='…')` key, or undefined for another key. */
export function logicalNameIn(key: string): string | undefined {
  return /^LogicalName\s*=\s*'([^']*)'$/.exec(key)?.[1];
}

/** The table an `EntityDefinitions(…)` key names, by logical name or MetadataId, or Dataverse's 404. */
export function tableNamed(key: string, ctx: MockContext): TableMetadata {
  const byName = logicalNameIn(key);
  const table =
    byName !== undefined
      ? ctx.catalogue.byLogicalName(byName)
      : [...ctx.catalogue.tables()].find((t) => metadataId(t.logicalName) === key.toLowerCase());
  if (table === undefined) throw dataverseErrors.resourceNotFound(`EntityDefinitions(${key})`);
  return table;
}
