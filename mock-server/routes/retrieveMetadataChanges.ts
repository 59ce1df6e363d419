import { createHash } from 'node:crypto';
import { z } from 'zod';
import { dataverseErrors } from '../errors/dataverseErrors.js';
import { jsonResponse, type ApiRequest, type ApiResponse } from '../http/ApiMessage.js';
import type { Catalogue } from '../metadata/Catalogue.js';
import {
  ATTRIBUTE_PROPERTIES,
  attributeDefinition,
  ENTITY_PROPERTIES,
  entityDefinition,
} from '../metadata/entityDefinitions.js';
import type { MockContext } from '../MockContext.js';
import { nestedFilter, type NestedFilter } from './nestedFilter.js';
import { parseJsonParameter } from './parseJsonParameter.js';
import type { Resource } from './parseResourcePath.js';

type MetadataChanges = Extract<Resource, { kind: 'metadataChanges' }>;
type MetadataRecord = Readonly<Record<string, unknown>>;

const condition = z.looseObject({
  PropertyName: z.string().min(1),
  ConditionOperator: z.enum(['Equals', 'NotEquals', 'In', 'NotIn', 'GreaterThan', 'LessThan']),
  Value: z.looseObject({ Value: z.unknown() }).optional(),
});

type Filter = NestedFilter<z.output<typeof condition>>;

const filter = nestedFilter(condition);

const properties = z.looseObject({
  AllProperties: z.boolean().default(false),
  PropertyNames: z.array(z.string()).default([]),
});

/** `EntityQueryExpression`, as the Web API takes it in JSON: what the mock can answer of it. */
const entityQuery = z.looseObject({
  Criteria: filter.optional(),
  Properties: properties.optional(),
  AttributeQuery: z.looseObject({ Criteria: filter.optional(), Properties: properties.optional() }).optional(),
});

/** A function parameter's value: inline, or through an `@alias` in the query string. */
function parameter(argument: string, name: string, query: string): string | undefined {
  const m = new RegExp(`(?:^|,)\\s*${name}\\s*=\\s*(@\\w+|'[^']*'|[^,]*)`).exec(argument);
  const raw = m?.[1]?.trim();
  if (raw === undefined) return undefined;
  if (raw.startsWith('@')) {
    const value = new URLSearchParams(query).get(raw);
    if (value === null) throw dataverseErrors.badRequest(`The parameter alias '${raw}' has no value in the query.`);
    return value;
  }
  return raw;
}

/** A condition's value as metadata properties hold it: `Value: { Type, Value }`, strings for booleans too. */
function valueOf(c: z.output<typeof condition>): unknown {
  const v = c.Value?.Value;
  return v === 'true' ? true : v === 'false' ? false : v;
}

function test(f: Filter, allowed: readonly string[], type: string): (r: MetadataRecord) => boolean {
  const parts = [
    ...f.Conditions.map((c) => {
      if (!allowed.includes(c.PropertyName))
        throw dataverseErrors.badRequest(
          `Criteria: the property '${c.PropertyName}' is not one the dvbench mock serves on ${type} (${allowed.join(', ')}).`,
        );
      const value = valueOf(c);
      const list = Array.isArray(value) ? (value as unknown[]) : [value];
      const ops: Record<typeof c.ConditionOperator, (x: unknown) => boolean> = {
        Equals: (x) => x === value,
        NotEquals: (x) => x !== value,
        In: (x) => list.includes(x),
        NotIn: (x) => !list.includes(x),
        GreaterThan: (x) => typeof x === 'number' && typeof value === 'number' && x > value,
        LessThan: (x) => typeof x === 'number' && typeof value === 'number' && x < value,
      };
      const op = ops[c.ConditionOperator];
      return (r: MetadataRecord) => op(r[c.PropertyName]);
    }),
    ...f.Filters.map((inner) => test(inner, allowed, type)),
  ];
  return f.FilterOperator === 'Or' ? (r) => parts.some((p) => p(r)) : (r) => parts.every((p) => p(r));
}

function project(record: MetadataRecord, p: z.output<typeof properties> | undefined): Record<string, unknown> {
  if (p === undefined || p.AllProperties) return { ...record };
  const out: Record<string, unknown> = { MetadataId: record.MetadataId };
  for (const name of p.PropertyNames) if (name in record) out[name] = record[name];
  return out;
}

/** The mock's metadata never changes while it runs: one stamp per catalogue, stable across restarts. */
function versionStamp(catalogue: Catalogue): string {
  const names = [...catalogue.tables()].map((t) => `${t.logicalName}:${[...t.columns.keys()].join(',')}`);
  const hash = createHash('sha1').update(names.join(';')).digest();
  return `${hash.readUInt32BE(0) % 100_000_000}!01/01/2026 00:00:00`;
}

function parseQuery(text: string | undefined): z.output<typeof entityQuery> {
  if (text === undefined) return {};
  return parseJsonParameter(text, entityQuery, 'RetrieveMetadataChanges: Query', ' (an EntityQueryExpression)');
}

/**
 * `GET RetrieveMetadataChanges(Query=@q,ClientVersionStamp=@v)`: the tables and attributes an
 * `EntityQueryExpression` selects (`Criteria`, `Properties`, `AttributeQuery`), and the stamp to
 * ask again with. The mock's metadata does not change while it runs: with the current stamp the
 * answer is empty; with any other, Dataverse's expired-stamp error, so the client asks for all.
 */
export function retrieveMetadataChanges(r: MetadataChanges, request: ApiRequest, ctx: MockContext): ApiResponse {
  const query = parseQuery(parameter(r.argument, 'Query', request.query));
  const stamp = versionStamp(ctx.catalogue);
  const client = parameter(r.argument, 'ClientVersionStamp', request.query)?.replace(/^'|'$/g, '');
  if (client !== undefined && client !== '' && client !== 'null' && client !== stamp)
    throw dataverseErrors.expiredVersionStamp();
  const unchanged = client === stamp;
  const tables = unchanged
    ? []
    : [...ctx.catalogue.tables()].filter((t) => {
        const keep =
          query.Criteria === undefined ? () => true : test(query.Criteria, ENTITY_PROPERTIES, 'EntityMetadata');
        return keep(entityDefinition(t, ctx.catalogue));
      });
  const attributes = query.AttributeQuery;
  const keepAttribute =
    attributes?.Criteria === undefined
      ? () => true
      : test(attributes.Criteria, ATTRIBUTE_PROPERTIES, 'AttributeMetadata');
  const wantsAttributes =
    query.Properties === undefined ||
    query.Properties.AllProperties ||
    query.Properties.PropertyNames.includes('Attributes');
  return jsonResponse(200, {
    '@odata.context': `${request.baseUrl}$metadata#Microsoft.Dynamics.CRM.RetrieveMetadataChangesResponse`,
    EntityMetadata: tables.map((t) => {
      const entity = project(entityDefinition(t, ctx.catalogue), query.Properties);
      if (!wantsAttributes) return entity;
      const attrs = t.definition.columns.map((c) => attributeDefinition(t, c)).filter(keepAttribute);
      return { ...entity, Attributes: attrs.map((a) => project(a, attributes?.Properties)) };
    }),
    ServerVersionStamp: stamp,
    DeletedMetadata: { Count: 0, IsReadOnly: false, Keys: [], Values: [] },
  });
}
