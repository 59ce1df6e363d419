import type { Catalogue } from './Catalogue.js';
import { isStandardTable, metadataId } from './entityDefinitions.js';

export const RELATIONSHIP_PROPERTIES = Object.freeze([
  'MetadataId',
  'SchemaName',
  'RelationshipType',
  'ReferencedEntity',
  'ReferencedAttribute',
  'ReferencingEntity',
  'ReferencingAttribute',
  'ReferencedEntityNavigationPropertyName',
  'ReferencingEntityNavigationPropertyName',
  'IsCustomRelationship',
]);

/**
 * Every one-to-many relationship the mock's tables hold, one per lookup target, as
 * `OneToManyRelationshipMetadata`: the relationship's schema name is the referenced table's
 * collection-valued navigation property, as in Dataverse. The mock has no many-to-many ones.
 */
export function oneToManyRelationships(catalogue: Catalogue): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const table of catalogue.tables())
    for (const nav of table.navigationProperties.values()) {
      const referenced = catalogue.byLogicalName(nav.target.table);
      if (referenced === undefined) continue;
      out.push({
        '@odata.type': '#Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata',
        MetadataId: metadataId(`relationship:${nav.target.relationship}`),
        SchemaName: nav.target.relationship,
        RelationshipType: 'OneToManyRelationship',
        ReferencedEntity: referenced.logicalName,
        ReferencedAttribute: referenced.primaryKey,
        ReferencingEntity: table.logicalName,
        ReferencingAttribute: nav.column.name,
        ReferencedEntityNavigationPropertyName: nav.target.relationship,
        ReferencingEntityNavigationPropertyName: nav.name,
        // Between two standard tables a relationship is a system one; one that touches a custom table is custom.
        IsCustomRelationship: !isStandardTable(table.logicalName) || !isStandardTable(referenced.logicalName),
      });
    }
  return out;
}
