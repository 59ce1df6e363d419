import { dataverseErrors } from '../errors/dataverseErrors.js';
import { ownValue } from '../../util/ownValue.js';
import type {
  Catalogue,
  CollectionNavigationProperty,
  NavigationProperty,
  TableMetadata,
} from '../metadata/Catalogue.js';
import { parseKeySegment, type RecordKey } from '../odata/parseKeySegment.js';

export type Resource =
  | { readonly kind: 'serviceDocument' }
  | { readonly kind: 'metadata' }
  | { readonly kind: 'batch' }
  | { readonly kind: 'whoAmI' }
  | { readonly kind: 'bulkDelete' }
  | { readonly kind: 'globalOptionSets'; readonly key: string | undefined }
  | { readonly kind: 'metadataChanges'; readonly argument: string }
  /** `EntityDefinitions`, one by `(LogicalName='…')` or `(<MetadataId>)`, its `/Attributes`, or one attribute. */
  | {
      readonly kind: 'entityDefinitions';
      readonly key: string | undefined;
      readonly attributes: boolean;
      readonly attributeKey: string | undefined;
      /** A derived-type cast after `/Attributes`: `Microsoft.Dynamics.CRM.PicklistAttributeMetadata`. */
      readonly attributeType: string | undefined;
    }
  /** `RelationshipDefinitions`, one by `(SchemaName='…')` or `(<MetadataId>)`, optionally cast to a relationship type. */
  | { readonly kind: 'relationshipDefinitions'; readonly key: string | undefined; readonly cast: string | undefined }
  /** `EntityDefinitions(<key>)/ManyToOneRelationships` (or `OneToMany…`, `ManyToMany…`). */
  | {
      readonly kind: 'entityRelationships';
      readonly key: string;
      readonly which: 'ManyToOne' | 'OneToMany' | 'ManyToMany';
    }
  /** `RetrieveTotalRecordCount(EntityNames=…)`: the argument as written (a list, or an `@alias`). */
  | { readonly kind: 'totalRecordCount'; readonly argument: string }
  | { readonly kind: 'collection'; readonly table: TableMetadata }
  | { readonly kind: 'count'; readonly table: TableMetadata }
  | { readonly kind: 'record'; readonly table: TableMetadata; readonly key: RecordKey; readonly keyText: string }
  | { readonly kind: 'action'; readonly table: TableMetadata; readonly action: string }
  | {
      readonly kind: 'property';
      readonly table: TableMetadata;
      readonly key: RecordKey;
      readonly keyText: string;
      /** The property as named in the URL: a column, or a lookup's `_<name>_value`. */
      readonly property: string;
      /** `/$value`: the raw value as text. */
      readonly raw: boolean;
    }
  /** `<set>(<key>)/<single-valued navigation property>/$ref`: the lookup, set (PUT) or cleared (DELETE). */
  | {
      readonly kind: 'singleReference';
      readonly table: TableMetadata;
      readonly key: RecordKey;
      readonly keyText: string;
      readonly navigation: NavigationProperty;
    }
  /** `<set>(<key>)/<relationship>/$ref` or `…/<relationship>(<key>)/$ref`: associate (POST), disassociate (DELETE). */
  | {
      readonly kind: 'collectionReference';
      readonly table: TableMetadata;
      readonly key: RecordKey;
      readonly keyText: string;
      readonly relationship: CollectionNavigationProperty;
      /** The related record's key from the URL; otherwise a DELETE names it in `$id`. */
      readonly relatedKeyText: string | undefined;
    }
  /** `GET <set>(<key>)/<relationship>`: the records that point at this one, as a query; `/$count`: how many. */
  | {
      readonly kind: 'related';
      readonly table: TableMetadata;
      readonly key: RecordKey;
      readonly keyText: string;
      readonly relationship: CollectionNavigationProperty;
      readonly count: boolean;
    }
  /** `GET <set>(<key>)/<single-valued navigation property>`: the record the lookup points at. */
  | {
      readonly kind: 'navigationTarget';
      readonly table: TableMetadata;
      readonly key: RecordKey;
      readonly keyText: string;
      readonly navigation: NavigationProperty;
    };

export const ACTION_PREFIX = 'Microsoft.Dynamics.CRM.';

export type ResourceKind = Resource['kind'];

/** Paths that name one resource, not a table. */
const FIXED_PATHS: Readonly<Record<string, Resource>> = {
  '': { kind: 'serviceDocument' },
  $metadata: { kind: 'metadata' },
  $batch: { kind: 'batch' },
  WhoAmI: { kind: 'whoAmI' },
  'WhoAmI()': { kind: 'whoAmI' },
  BulkDelete: { kind: 'bulkDelete' },
};

/** `(key)` and what follows it; quotes are scanned, since a key may hold `/` and `)`. */
function recordResource(table: TableMetadata, rest: string): Resource {
  let i = 1;
  let quoted = false;
  for (; i < rest.length; i++) {
    const ch = rest.charAt(i);
    if (ch === "'") quoted = !quoted;
    else if (ch === ')' && !quoted) break;
  }
  if (i >= rest.length) throw dataverseErrors.invalidKey(table.logicalName);
  const keyText = rest.slice(1, i);
  const key = parseKeySegment(keyText, table);
  const after = rest.slice(i + 1);
  if (after === '' || after === '/') return { kind: 'record', table, key, keyText };
  return navigationResource(table, key, keyText, after) ?? propertyResource(table, key, keyText, after);
}

/** A relationship after a record's key: its `$ref`, or (collection-valued) the related records; else undefined. */
function navigationResource(
  table: TableMetadata,
  key: RecordKey,
  keyText: string,
  after: string,
): Resource | undefined {
  const m = /^\/?([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?(\/\$ref|\/\$count)?\/?$/s.exec(after);
  if (m === null) return undefined;
  const [, name = '', relatedKeyText, suffix] = m;
  const ref = suffix === '/$ref';
  const navigation = table.navigationProperties.get(name);
  if (navigation !== undefined && relatedKeyText === undefined && suffix !== '/$count')
    return ref
      ? { kind: 'singleReference', table, key, keyText, navigation }
      : { kind: 'navigationTarget', table, key, keyText, navigation };
  const relationship = table.collectionNavigationProperties.get(name);
  if (relationship === undefined) return undefined;
  if (ref) return { kind: 'collectionReference', table, key, keyText, relationship, relatedKeyText };
  if (relatedKeyText === undefined)
    return { kind: 'related', table, key, keyText, relationship, count: suffix === '/$count' };
  throw dataverseErrors.resourceNotFound(`${name}(${relatedKeyText})`);
}

/** A single-property URL: `accounts(id)/name`, or `accounts(id)/name/$value` for the raw value. */
function propertyResource(table: TableMetadata, key: RecordKey, keyText: string, after: string): Resource {
  const [property = '', value, ...more] = after.replace(/^\//, '').split('/');
  // A lookup by its own name is a navigation property (the related record), not served here.
  const known = (table.columns.get(property)?.type ?? 'lookup') !== 'lookup' || table.lookupValueNames.has(property);
  if (!known || more.length > 0 || (value !== undefined && value !== '$value'))
    throw dataverseErrors.resourceNotFound(known ? (value ?? property) : property);
  return { kind: 'property', table, key, keyText, property, raw: value === '$value' };
}

/** What follows an entity set's name: nothing, a key, `/$count` or a bound action. */
function tableResource(table: TableMetadata, rest: string): Resource {
  if (rest === '' || rest === '/') return { kind: 'collection', table };
  if (rest.startsWith('(')) return recordResource(table, rest);
  const segment = rest.replace(/^\//, '');
  if (segment === '$count') return { kind: 'count', table };
  if (segment.startsWith(ACTION_PREFIX) && !segment.slice(ACTION_PREFIX.length).includes('/')) {
    return { kind: 'action', table, action: segment.slice(ACTION_PREFIX.length) };
  }
  throw dataverseErrors.resourceNotFound(segment.split('/')[0] ?? segment);
}

/** The metadata paths: table, attribute, relationship and global choice definitions. */
function metadataResource(path: string): Resource | undefined {
  const definitions =
    /^EntityDefinitions(?:\(([^)]*)\))?(\/Attributes(?:\(([^)]*)\))?(?:\/Microsoft\.Dynamics\.CRM\.(\w+))?)?\/?$/.exec(
      path,
    );
  if (definitions !== null)
    return {
      kind: 'entityDefinitions',
      key: definitions[1],
      attributes: definitions[2] !== undefined,
      attributeKey: definitions[3],
      attributeType: definitions[4],
    };
  const relationships = /^RelationshipDefinitions(?:\(([^)]*)\))?(?:\/Microsoft\.Dynamics\.CRM\.(\w+))?\/?$/.exec(path);
  if (relationships !== null) return { kind: 'relationshipDefinitions', key: relationships[1], cast: relationships[2] };
  const ofEntity = /^EntityDefinitions\(([^)]*)\)\/(ManyToOne|OneToMany|ManyToMany)Relationships\/?$/.exec(path);
  if (ofEntity !== null)
    return {
      kind: 'entityRelationships',
      key: ofEntity[1] ?? '',
      which: ofEntity[2] as 'ManyToOne' | 'OneToMany' | 'ManyToMany',
    };
  const globalSets = /^GlobalOptionSetDefinitions(?:\(([^)]*)\))?(?:\/Microsoft\.Dynamics\.CRM\.\w+)?\/?$/.exec(path);
  if (globalSets !== null) return { kind: 'globalOptionSets', key: globalSets[1] };
  const changes = /^RetrieveMetadataChanges\((.*)\)$/s.exec(path);
  if (changes !== null) return { kind: 'metadataChanges', argument: changes[1] ?? '' };
  return undefined;
}

/**
 * Parses the path below the Web API root. Keys may contain `/` and `)` inside quoted strings,
 * so the key is found by scanning quotes rather than by splitting on `/`.
 */
export function parseResourcePath(rawPath: string, catalogue: Catalogue): Resource {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw dataverseErrors.badRequest(`The request URI path '${rawPath}' is not validly percent-encoded.`);
  }
  const fixed = ownValue(FIXED_PATHS, path);
  if (fixed !== undefined) return fixed;
  const metadata = metadataResource(path);
  if (metadata !== undefined) return metadata;
  const total = /^RetrieveTotalRecordCount\((.*)\)$/s.exec(path);
  if (total !== null) return { kind: 'totalRecordCount', argument: total[1] ?? '' };
  const nameMatch = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(path);
  const name = nameMatch?.[0] ?? path.split(/[/(]/)[0] ?? path;
  const table = catalogue.byEntitySet(name);
  if (table === undefined) throw dataverseErrors.resourceNotFound(name === '' ? path : name);
  return tableResource(table, path.slice(name.length));
}
