import { dataverseErrors } from '../errors/dataverseErrors.js';
import { jsonResponse, type ApiRequest, type ApiResponse } from '../http/ApiMessage.js';
import { oneToManyRelationships, RELATIONSHIP_PROPERTIES } from '../metadata/relationshipDefinitions.js';
import type { MockContext } from '../MockContext.js';
import { metadataFilter } from './metadataFilter.js';
import { pick, selectList, tableNamed } from './metadataQuery.js';
import type { Resource } from './parseResourcePath.js';

type RelationshipDefinitions = Extract<Resource, { kind: 'relationshipDefinitions' }>;
type EntityRelationships = Extract<Resource, { kind: 'entityRelationships' }>;

interface RelationshipQuery {
  readonly select: readonly string[] | undefined;
  readonly filter: (record: Readonly<Record<string, unknown>>) => boolean;
}

/** `$select` and `$filter` over the relationship properties the mock serves; any other option is a 400 naming it. */
function queryOf(query: string): RelationshipQuery {
  let out: RelationshipQuery = { select: undefined, filter: () => true };
  for (const [name, value] of new URLSearchParams(query)) {
    if (!name.startsWith('$')) continue;
    if (name === '$select') out = { ...out, select: selectList(value, RELATIONSHIP_PROPERTIES, TYPE) };
    else if (name === '$filter') out = { ...out, filter: metadataFilter(value, RELATIONSHIP_PROPERTIES, TYPE) };
    else throw dataverseErrors.unsupportedQueryOption(name);
  }
  return out;
}

const TYPE = 'RelationshipMetadataBase';

/** Relationships of one type, as a cast names it: one-to-many ones, or none for many-to-many (the mock has none). */
function ofCast(all: Record<string, unknown>[], cast: string | undefined): Record<string, unknown>[] {
  if (cast === undefined || cast === 'RelationshipMetadataBase' || cast === 'OneToManyRelationshipMetadata') return all;
  if (cast === 'ManyToManyRelationshipMetadata') return [];
  throw dataverseErrors.resourceNotFound(`Microsoft.Dynamics.CRM.${cast}`);
}

/**
 * `GET RelationshipDefinitions`, one by `(SchemaName='…')` or `(<MetadataId>)`, optionally cast to
 * `OneToManyRelationshipMetadata` or `ManyToManyRelationshipMetadata`: every relationship the
 * mock's lookups make, from the same definitions as the store.
 */
export function getRelationshipDefinitions(
  r: RelationshipDefinitions,
  request: ApiRequest,
  ctx: MockContext,
): ApiResponse {
  const { select, filter } = queryOf(request.query);
  const all = ofCast(oneToManyRelationships(ctx.catalogue), r.cast).filter(filter);
  const root = `${request.baseUrl}$metadata#RelationshipDefinitions`;
  const { key } = r;
  if (key === undefined) return jsonResponse(200, { '@odata.context': root, value: all.map((x) => pick(x, select)) });
  const bySchemaName = /^SchemaName\s*=\s*'([^']*)'$/.exec(key)?.[1];
  const found = all.find((x) =>
    bySchemaName === undefined ? x.MetadataId === key.toLowerCase() : x.SchemaName === bySchemaName,
  );
  if (found === undefined) throw dataverseErrors.resourceNotFound(`RelationshipDefinitions(${key})`);
  return jsonResponse(200, { '@odata.context': `${root}/$entity`, ...pick(found, select) });
}

/** `EntityDefinitions(…)/ManyToOneRelationships`, `/OneToManyRelationships` and `/ManyToManyRelationships`. */
export function getEntityRelationships(r: EntityRelationships, request: ApiRequest, ctx: MockContext): ApiResponse {
  const table = tableNamed(r.key, ctx);
  const { select, filter } = queryOf(request.query);
  const all = oneToManyRelationships(ctx.catalogue).filter(filter);
  const mine =
    r.which === 'ManyToMany'
      ? []
      : all.filter((x) => (r.which === 'ManyToOne' ? x.ReferencingEntity : x.ReferencedEntity) === table.logicalName);
  return jsonResponse(200, {
    '@odata.context': `${request.baseUrl}$metadata#EntityDefinitions(${r.key})/${r.which}Relationships`,
    value: mine.map((x) => pick(x, select)),
  });
}
