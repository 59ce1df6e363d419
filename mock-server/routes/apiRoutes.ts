import { retrieveMetadataChanges } from './retrieveMetadataChanges.js';
import { bulkDelete } from './bulkDelete.js';
import { handleBatch } from '../batch/handleBatch.js';
import { handleBulkAction } from '../batch/handleBulkAction.js';
import { jsonResponse, type ApiRequest, type ApiResponse } from '../http/ApiMessage.js';
import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { Catalogue } from '../metadata/Catalogue.js';
import { csdlDocument } from '../metadata/csdlDocument.js';
import type { MockContext } from '../MockContext.js';
import { createRecord } from './createRecord.js';
import { ACTION_PREFIX, type Resource } from './parseResourcePath.js';
import type { ApiRoutes } from './routeTable.js';
import { countCollection, queryCollection } from './queryCollection.js';
import { deleteProperty, putProperty, retrieveProperty } from './propertyRoutes.js';
import { deleteRecord, retrieveRecord, upsertRecord } from './recordRoutes.js';
import { retrieveTotalRecordCount } from './retrieveTotalRecordCount.js';
import { getEntityDefinitions } from './entityDefinitionRoutes.js';
import { getEntityRelationships, getRelationshipDefinitions } from './relationshipRoutes.js';
import {
  deleteCollectionReference,
  deleteSingleReference,
  postCollectionReference,
  putSingleReference,
  queryRelated,
  retrieveNavigationTarget,
} from './referenceRoutes.js';

function whoAmI(_resource: Resource, request: ApiRequest, ctx: MockContext): ApiResponse {
  return jsonResponse(200, {
    '@odata.context': `${request.baseUrl}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
    BusinessUnitId: ctx.config.organization.businessUnitId,
    UserId: request.userId,
    OrganizationId: ctx.config.organization.organizationId,
  });
}

function serviceDocument(_resource: Resource, request: ApiRequest, ctx: MockContext): ApiResponse {
  return jsonResponse(200, {
    '@odata.context': `${request.baseUrl}$metadata`,
    value: [...ctx.catalogue.tables()].map((t) => ({ name: t.entitySetName, kind: 'EntitySet', url: t.entitySetName })),
  });
}

// The catalogue is fixed for a server's life, so its document is built once.
const csdlByCatalogue = new WeakMap<Catalogue, string>();

/**
 * `GlobalOptionSetDefinitions`: the choices shared by several columns. Every choice the mock
 * serves is a column's own (`IsGlobal: false`, read through `$expand=OptionSet`), so the list is
 * empty and a named one is Dataverse's 404, as in an org without global choices.
 */
function globalOptionSets(r: Extract<Resource, { kind: 'globalOptionSets' }>, request: ApiRequest): ApiResponse {
  if (r.key !== undefined) throw dataverseErrors.resourceNotFound(`GlobalOptionSetDefinitions(${r.key})`);
  return jsonResponse(200, { '@odata.context': `${request.baseUrl}$metadata#GlobalOptionSetDefinitions`, value: [] });
}

function metadataDocument(_resource: Resource, _request: ApiRequest, ctx: MockContext): ApiResponse {
  let body = csdlByCatalogue.get(ctx.catalogue);
  if (body === undefined) {
    body = csdlDocument(ctx.catalogue);
    csdlByCatalogue.set(ctx.catalogue, body);
  }
  return { status: 200, headers: { 'Content-Type': 'application/xml' }, body };
}

/** The Web API as the mock serves it: a new endpoint is a `Resource` kind, its path, and one entry here. */
export const apiRoutes: ApiRoutes = {
  serviceDocument: { label: () => '/', methods: { GET: serviceDocument }, otherMethods: 'methodNotAllowed' },
  metadata: { label: () => '$metadata', methods: { GET: metadataDocument }, otherMethods: 'methodNotAllowed' },
  whoAmI: { label: () => 'WhoAmI', methods: { GET: whoAmI }, otherMethods: 'noHttpResource' },
  bulkDelete: { label: () => 'BulkDelete', methods: { POST: bulkDelete }, otherMethods: 'noHttpResource' },
  metadataChanges: {
    label: () => 'RetrieveMetadataChanges',
    methods: { GET: retrieveMetadataChanges },
    otherMethods: 'noHttpResource',
  },
  globalOptionSets: {
    label: (r) => `GlobalOptionSetDefinitions${r.key === undefined ? '' : '(key)'}`,
    methods: { GET: globalOptionSets },
    otherMethods: 'methodNotAllowed',
  },
  entityDefinitions: {
    label: (r) =>
      `EntityDefinitions` +
      `${r.key === undefined ? '' : '(key)'}${r.attributes ? '/Attributes' : ''}${r.attributeKey === undefined ? '' : '(key)'}` +
      (r.attributeType === undefined ? '' : `/${r.attributeType}`),
    methods: { GET: getEntityDefinitions },
    otherMethods: 'methodNotAllowed',
  },
  relationshipDefinitions: {
    label: (r) =>
      `RelationshipDefinitions${r.key === undefined ? '' : '(key)'}${r.cast === undefined ? '' : `/${r.cast}`}`,
    methods: { GET: getRelationshipDefinitions },
    otherMethods: 'methodNotAllowed',
  },
  entityRelationships: {
    label: (r) => `EntityDefinitions(key)/${r.which}Relationships`,
    methods: { GET: getEntityRelationships },
    otherMethods: 'methodNotAllowed',
  },
  totalRecordCount: {
    label: () => 'RetrieveTotalRecordCount',
    methods: { GET: retrieveTotalRecordCount },
    otherMethods: 'noHttpResource',
  },
  batch: {
    label: () => '$batch',
    methods: { POST: (_r, request, ctx, routes) => handleBatch(request, ctx, routes) },
    otherMethods: 'methodNotAllowed',
  },
  action: {
    label: (r) => `${r.table.entitySetName}/${ACTION_PREFIX}${r.action}`,
    methods: { POST: (r, request, ctx) => handleBulkAction(r, request, ctx) },
    otherMethods: 'noHttpResource',
  },
  collection: {
    label: (r) => r.table.entitySetName,
    methods: {
      GET: (r, request, ctx) => queryCollection(r.table, request, ctx),
      POST: (r, request, ctx) => createRecord(r.table, request, ctx),
    },
    otherMethods: 'methodNotAllowed',
  },
  count: {
    label: (r) => `${r.table.entitySetName}/$count`,
    methods: { GET: (r, request, ctx) => countCollection(r.table, request, ctx) },
    otherMethods: 'methodNotAllowed',
  },
  record: {
    label: (r) => `${r.table.entitySetName}(key)`,
    methods: {
      GET: (r, request, ctx) => retrieveRecord(r.table, r.key, request, ctx),
      PATCH: (r, request, ctx) => upsertRecord(r.table, r.key, r.keyText, request, ctx),
      DELETE: (r, request, ctx) => deleteRecord(r.table, r.key, request, ctx),
    },
    otherMethods: 'methodNotAllowed',
  },
  property: {
    label: (r) => `${r.table.entitySetName}(key)/${r.property}${r.raw ? '/$value' : ''}`,
    methods: { GET: retrieveProperty, PUT: putProperty, DELETE: deleteProperty },
    otherMethods: 'methodNotAllowed',
  },
  singleReference: {
    label: (r) => `${r.table.entitySetName}(key)/${r.navigation.name}/$ref`,
    methods: { PUT: putSingleReference, DELETE: deleteSingleReference },
    otherMethods: 'methodNotAllowed',
  },
  collectionReference: {
    label: (r) =>
      `${r.table.entitySetName}(key)/${r.relationship.name}${r.relatedKeyText === undefined ? '' : '(key)'}/$ref`,
    methods: { POST: postCollectionReference, DELETE: deleteCollectionReference },
    otherMethods: 'methodNotAllowed',
  },
  related: {
    label: (r) => `${r.table.entitySetName}(key)/${r.relationship.name}${r.count ? '/$count' : ''}`,
    methods: { GET: queryRelated },
    otherMethods: 'methodNotAllowed',
  },
  navigationTarget: {
    label: (r) => `${r.table.entitySetName}(key)/${r.navigation.name}`,
    methods: { GET: retrieveNavigationTarget },
    otherMethods: 'methodNotAllowed',
  },
};
