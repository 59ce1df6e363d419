import { DataverseError } from '../errors/DataverseError.js';
import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { ApiRequest, ApiResponse } from '../http/ApiMessage.js';
import { jsonResponse } from '../http/ApiMessage.js';
import type { MockContext } from '../MockContext.js';
import { createRecord } from './createRecord.js';
import { parseResourcePath, type Resource } from './parseResourcePath.js';
import { countCollection, queryCollection } from './queryCollection.js';
import { deleteRecord, retrieveRecord, upsertRecord } from './recordRoutes.js';

/** Handlers for resources that need more than the CRUD core ($batch, bulk actions), plugged in by the server. */
export interface ExtraHandlers {
  readonly batch?: (request: ApiRequest, ctx: MockContext) => Promise<ApiResponse> | ApiResponse;
  readonly action?: (
    resource: Extract<Resource, { kind: 'action' }>,
    request: ApiRequest,
    ctx: MockContext,
  ) => ApiResponse;
}

function whoAmI(request: ApiRequest, ctx: MockContext): ApiResponse {
  if (request.method !== 'GET') {
    throw dataverseErrors.noHttpResource(`${request.baseUrl}${request.path}`);
  }
  return jsonResponse(200, {
    '@odata.context': `${request.baseUrl}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
    BusinessUnitId: ctx.config.organization.businessUnitId,
    UserId: request.userId,
    OrganizationId: ctx.config.organization.organizationId,
  });
}

function serviceDocument(request: ApiRequest, ctx: MockContext): ApiResponse {
  return jsonResponse(200, {
    '@odata.context': `${request.baseUrl}$metadata`,
    value: [...ctx.catalogue.tables()].map((t) => ({ name: t.entitySetName, kind: 'EntitySet', url: t.entitySetName })),
  });
}

/**
 * Routes one Web API request to its handler and returns the response. Used for top-level
 * requests and for each operation inside a `$batch`, so both behave the same.
 */
export function dispatchApiRequest(
  resource: Resource,
  request: ApiRequest,
  ctx: MockContext,
  extra: ExtraHandlers = {},
): Promise<ApiResponse> | ApiResponse {
  const { method } = request;
  switch (resource.kind) {
    case 'serviceDocument':
      if (method !== 'GET') throw dataverseErrors.methodNotAllowed(method);
      return serviceDocument(request, ctx);
    case 'metadata':
      // Real Dataverse serves CSDL XML here; no workload needs it, so the mock says so plainly.
      throw new DataverseError(501, '0x8006088b', 'The dvbench mock does not serve $metadata (CSDL).');
    case 'whoAmI':
      return whoAmI(request, ctx);
    case 'batch':
      if (method !== 'POST') throw dataverseErrors.methodNotAllowed(method);
      if (extra.batch === undefined) throw dataverseErrors.resourceNotFound('$batch');
      return extra.batch(request, ctx);
    case 'action':
      if (method !== 'POST') throw dataverseErrors.noHttpResource(`${request.baseUrl}${request.path}`);
      if (extra.action === undefined)
        throw dataverseErrors.resourceNotFound(`Microsoft.Dynamics.CRM.${resource.action}`);
      return extra.action(resource, request, ctx);
    case 'collection':
      if (method === 'GET') return queryCollection(resource.table, request, ctx);
      if (method === 'POST') return createRecord(resource.table, request, ctx);
      throw dataverseErrors.methodNotAllowed(method);
    case 'count':
      if (method !== 'GET') throw dataverseErrors.methodNotAllowed(method);
      return countCollection(resource.table, request, ctx);
    case 'record':
      if (method === 'GET') return retrieveRecord(resource.table, resource.key, request, ctx);
      if (method === 'PATCH') return upsertRecord(resource.table, resource.key, resource.keyText, request, ctx);
      if (method === 'DELETE') return deleteRecord(resource.table, resource.key, request, ctx);
      throw dataverseErrors.methodNotAllowed(method);
  }
}

export { parseResourcePath };
