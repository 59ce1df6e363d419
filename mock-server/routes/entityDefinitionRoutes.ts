import { dataverseErrors } from '../errors/dataverseErrors.js';
import { jsonResponse, type ApiRequest, type ApiResponse } from '../http/ApiMessage.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import {
  ATTRIBUTE_PROPERTIES,
  attributeDefinition,
  attributeMetadataType,
  ENTITY_PROPERTIES,
  entityDefinition,
  ENUM_ATTRIBUTE_TYPES,
  optionSetDefinition,
} from '../metadata/entityDefinitions.js';
import type { ColumnDefinition } from '../metadata/TableDefinition.js';
import type { MockContext } from '../MockContext.js';
import type { Resource } from './parseResourcePath.js';
import { metadataFilter } from './metadataFilter.js';
import { logicalNameIn, pick, selectList, tableNamed } from './metadataQuery.js';

type EntityDefinitions = Extract<Resource, { kind: 'entityDefinitions' }>;

interface DefinitionQuery {
  readonly select: readonly string[] | undefined;
  readonly attributes: { readonly select: readonly string[] | undefined } | undefined;
  /** `$filter` over the tables, or over the attributes of one. */
  readonly filter: ((record: Readonly<Record<string, unknown>>) => boolean) | undefined;
  /** `$expand=OptionSet` (or `GlobalOptionSet`) on choice attributes, with its own `$select`. */
  readonly optionSet: { readonly select: readonly string[] | undefined } | undefined;
}

const OPTION_SET_PROPERTIES = Object.freeze(['MetadataId', 'Name', 'IsGlobal', 'OptionSetType', 'Options']);

/** The metadata types a cast after `/Attributes` may name: those the mock serves, and their bases. */
const CASTS: ReadonlySet<string> = new Set([
  'AttributeMetadata',
  'EnumAttributeMetadata',
  'StringAttributeMetadata',
  'MemoAttributeMetadata',
  'IntegerAttributeMetadata',
  'DecimalAttributeMetadata',
  'MoneyAttributeMetadata',
  'BooleanAttributeMetadata',
  'DateTimeAttributeMetadata',
  'LookupAttributeMetadata',
  ...ENUM_ATTRIBUTE_TYPES,
]);

/** A column is of a cast's type: the type itself, or a base of it. */
function isOfType(column: ColumnDefinition, cast: string | undefined): boolean {
  const type = attributeMetadataType(column);
  if (cast === undefined || cast === 'AttributeMetadata') return true;
  if (cast === 'EnumAttributeMetadata') return ENUM_ATTRIBUTE_TYPES.has(type);
  return type === cast;
}

/** `$expand=OptionSet($select=Options)`, as metadata-driven clients read a choice column's values. */
function optionSetExpand(value: string): { select: readonly string[] | undefined } {
  const m = /^(?:Global)?OptionSet(?:\(\$select=([^)]*)\))?$/.exec(value.trim());
  if (m === null)
    throw dataverseErrors.querySyntax(
      `$expand on attributes takes OptionSet or GlobalOptionSet (on a choice attribute's type, e.g. ` +
        `Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata), optionally with $select inside; got '${value}'.`,
    );
  return { select: m[1] === undefined ? undefined : selectList(m[1], OPTION_SET_PROPERTIES, 'OptionSetMetadata') };
}

/** `$select`, `$expand=Attributes(...)` and `$filter` (LogicalName eq '…', and more): what table-discovery code sends. */
function definitionQuery(query: string, ofAttributes: boolean): DefinitionQuery {
  let out: DefinitionQuery = { select: undefined, attributes: undefined, filter: undefined, optionSet: undefined };
  for (const [name, value] of new URLSearchParams(query)) {
    if (!name.startsWith('$')) continue;
    if (name === '$select')
      out = {
        ...out,
        select: ofAttributes
          ? selectList(value, ATTRIBUTE_PROPERTIES, 'AttributeMetadata')
          : selectList(value, ENTITY_PROPERTIES, 'EntityMetadata'),
      };
    else if (name === '$expand' && ofAttributes) out = { ...out, optionSet: optionSetExpand(value) };
    else if (name === '$expand') {
      const m = /^Attributes(?:\(\$select=([^)]*)\))?$/.exec(value.trim());
      if (m === null)
        throw dataverseErrors.querySyntax(
          `$expand on EntityDefinitions takes Attributes, optionally with $select inside; got '${value}'.`,
        );
      const select = m[1] === undefined ? undefined : selectList(m[1], ATTRIBUTE_PROPERTIES, 'AttributeMetadata');
      out = { ...out, attributes: { select } };
    } else if (name === '$filter') {
      const filter = ofAttributes
        ? metadataFilter(value, ATTRIBUTE_PROPERTIES, 'AttributeMetadata')
        : metadataFilter(value, ENTITY_PROPERTIES, 'EntityMetadata');
      out = { ...out, filter };
    } else throw dataverseErrors.unsupportedQueryOption(name);
  }
  return out;
}

/** What an attribute request asks for: which properties, which type, and whether its option set. */
interface AttributeView {
  readonly select: readonly string[] | undefined;
  readonly filter?: DefinitionQuery['filter'];
  readonly cast?: string | undefined;
  readonly optionSet?: { readonly select: readonly string[] | undefined } | undefined;
}

function attributeOf(table: TableMetadata, column: ColumnDefinition, view: AttributeView): Record<string, unknown> {
  return viewOf(table, column, attributeDefinition(table, column), view);
}

function viewOf(
  table: TableMetadata,
  column: ColumnDefinition,
  definition: Record<string, unknown>,
  view: AttributeView,
): Record<string, unknown> {
  const record = pick(definition, view.select);
  if (view.optionSet === undefined) return record;
  return { ...record, OptionSet: pick(optionSetDefinition(table, column), view.optionSet.select) };
}

function attributesOf(table: TableMetadata, view: AttributeView): Record<string, unknown>[] {
  return table.definition.columns.flatMap((c) => {
    if (!isOfType(c, view.cast)) return [];
    const definition = attributeDefinition(table, c);
    return view.filter === undefined || view.filter(definition) ? [viewOf(table, c, definition, view)] : [];
  });
}

/** A cast the mock knows, and an OptionSet expand only where the type has one (as Dataverse refuses it elsewhere). */
function checkCast(cast: string | undefined, optionSet: DefinitionQuery['optionSet']): void {
  if (cast !== undefined && !CASTS.has(cast)) throw dataverseErrors.resourceNotFound(`Microsoft.Dynamics.CRM.${cast}`);
  if (
    optionSet !== undefined &&
    (cast === undefined || !(ENUM_ATTRIBUTE_TYPES.has(cast) || cast === 'EnumAttributeMetadata'))
  )
    throw dataverseErrors.querySyntax(
      `Could not find a property named 'OptionSet' on type 'Microsoft.Dynamics.CRM.${cast ?? 'AttributeMetadata'}'.`,
    );
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
    return q.attributes === undefined
      ? record
      : { ...record, Attributes: attributesOf(t, { select: q.attributes.select }) };
  };
  if (r.key === undefined) {
    const tables = [...ctx.catalogue.tables()].filter(
      (t) => q.filter === undefined || q.filter(entityDefinition(t, ctx.catalogue)),
    );
    return jsonResponse(200, { '@odata.context': root, value: tables.map(entity) });
  }
  const table = tableNamed(r.key, ctx);
  if (!r.attributes) return jsonResponse(200, { '@odata.context': `${root}/$entity`, ...entity(table) });
  checkCast(r.attributeType, q.optionSet);
  const view: AttributeView = { select: q.select, filter: q.filter, cast: r.attributeType, optionSet: q.optionSet };
  const cast = r.attributeType === undefined ? '' : `/Microsoft.Dynamics.CRM.${r.attributeType}`;
  if (r.attributeKey === undefined)
    return jsonResponse(200, {
      '@odata.context': `${root}(${r.key})/Attributes${cast}`,
      value: attributesOf(table, view),
    });
  const name = logicalNameIn(r.attributeKey) ?? r.attributeKey;
  const column = table.columns.get(name);
  // A cast to a type the attribute is not of finds nothing, as an OData cast does.
  if (column === undefined || !isOfType(column, r.attributeType))
    throw dataverseErrors.resourceNotFound(`Attributes(${r.attributeKey})${cast}`);
  return jsonResponse(200, {
    '@odata.context': `${root}(${r.key})/Attributes${cast}/$entity`,
    ...attributeOf(table, column, view),
  });
}
