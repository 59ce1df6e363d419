import { dataverseErrors } from '../errors/dataverseErrors.js';
import { jsonResponse, type ApiRequest, type ApiResponse } from '../http/ApiMessage.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import {
  ATTRIBUTE_PROPERTIES,
  attributeDefinition,
  ENTITY_PROPERTIES,
  entityDefinition,
  metadataId,
} from '../metadata/entityDefinitions.js';
import type { MockContext } from '../MockContext.js';
import type { Resource } from './parseResourcePath.js';

type EntityDefinitions = Extract<Resource, { kind: 'entityDefinitions' }>;

interface DefinitionQuery {
  readonly select: readonly string[] | undefined;
  readonly attributes: { readonly select: readonly string[] | undefined } | undefined;
  readonly logicalName: string | undefined;
}

function selectList(text: string, allowed: readonly string[], type: string): string[] {
  const names = text.split(',').map((n) => n.trim());
  for (const name of names)
    if (!allowed.includes(name))
      throw dataverseErrors.querySyntax(
        `Could not find a property named '` +
          `${name}' on type 'Microsoft.Dynamics.CRM.${type}' (the dvbench mock serves ${allowed.join(', ')}).`,
      );
  return names;
}

/** `$select`, `$expand=Attributes(...)` and `$filter=LogicalName eq '…'`: what table-discovery code sends. */
function definitionQuery(query: string, ofAttributes: boolean): DefinitionQuery {
  let out: DefinitionQuery = { select: undefined, attributes: undefined, logicalName: undefined };
  for (const [name, value] of new URLSearchParams(query)) {
    if (!name.startsWith('$')) continue;
    if (name === '$select')
      out = {
        ...out,
        select: ofAttributes
          ? selectList(value, ATTRIBUTE_PROPERTIES, 'AttributeMetadata')
          : selectList(value, ENTITY_PROPERTIES, 'EntityMetadata'),
      };
    else if (name === '$expand') {
      const m = /^Attributes(?:\(\$select=([^)]*)\))?$/.exec(value.trim());
      if (m === null)
        throw dataverseErrors.querySyntax(
          `$expand on EntityDefinitions takes Attributes, optionally with $select inside; got '${value}'.`,
        );
      const select = m[1] === undefined ? undefined : selectList(m[1], ATTRIBUTE_PROPERTIES, 'AttributeMetadata');
      out = { ...out, attributes: { select } };
    } else if (name === '$filter') {
      const m = /^\s*LogicalName\s+eq\s+'([^']*)'\s*$/.exec(value);
      if (m === null)
        throw dataverseErrors.querySyntax(
          `$filter on EntityDefinitions takes LogicalName eq '<name>' in the dvbench mock; got '${value}'.`,
        );
      out = { ...out, logicalName: m[1] };
    } else throw dataverseErrors.unsupportedQueryOption(name);
  }
  return out;
}

function pick(record: Record<string, unknown>, select: readonly string[] | undefined): Record<string, unknown> {
  if (select === undefined) return record;
  const out: Record<string, unknown> = { MetadataId: record.MetadataId };
  for (const name of select) if (name in record) out[name] = record[name];
  return out;
}

function attributesOf(table: TableMetadata, select: readonly string[] | undefined): Record<string, unknown>[] {
  return table.definition.columns.map((c) => pick(attributeDefinition(table, c), select));
}

/** The name in a `(LogicalName='…')` key, or undefined for another key. */
function logicalNameIn(key: string): string | undefined {
  return /^LogicalName\s*=\s*'([^']*)'$/.exec(key)?.[1];
}

function tableNamed(key: string, ctx: MockContext): TableMetadata {
  const byName = logicalNameIn(key);
  const table =
    byName !== undefined
      ? ctx.catalogue.byLogicalName(byName)
      : [...ctx.catalogue.tables()].find((t) => metadataId(t.logicalName) === key.toLowerCase());
  if (table === undefined) throw dataverseErrors.resourceNotFound(`EntityDefinitions(${key})`);
  return table;
}

/**
 * `GET EntityDefinitions`, `EntityDefinitions(LogicalName='…')` or `(<MetadataId>)`, and its
 * `/Attributes` (or one attribute): table metadata from the same definitions as the store,
 * the properties the mock knows (names, keys, type code, attribute types), none invented.
 */
export function getEntityDefinitions(r: EntityDefinitions, request: ApiRequest, ctx: MockContext): ApiResponse {
  const q = definitionQuery(request.query, r.attributes);
  const root = `${request.baseUrl}$metadata#EntityDefinitions`;
  const entity = (t: TableMetadata): Record<string, unknown> => {
    const record = pick(entityDefinition(t, ctx.catalogue), q.select);
    return q.attributes === undefined ? record : { ...record, Attributes: attributesOf(t, q.attributes.select) };
  };
  if (r.key === undefined) {
    const tables = [...ctx.catalogue.tables()].filter(
      (t) => q.logicalName === undefined || t.logicalName === q.logicalName,
    );
    return jsonResponse(200, { '@odata.context': root, value: tables.map(entity) });
  }
  const table = tableNamed(r.key, ctx);
  if (!r.attributes) return jsonResponse(200, { '@odata.context': `${root}/$entity`, ...entity(table) });
  if (r.attributeKey === undefined)
    return jsonResponse(200, {
      '@odata.context': `${root}(${r.key})/Attributes`,
      value: attributesOf(table, q.select),
    });
  const name = logicalNameIn(r.attributeKey) ?? r.attributeKey;
  const column = table.columns.get(name);
  if (column === undefined) throw dataverseErrors.resourceNotFound(`Attributes(${r.attributeKey})`);
  return jsonResponse(200, {
    '@odata.context': `${root}(${r.key})/Attributes/$entity`,
    ...pick(attributeDefinition(table, column), q.select),
  });
}
