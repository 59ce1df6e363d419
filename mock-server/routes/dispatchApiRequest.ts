import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { ApiRequest, ApiResponse } from '../http/ApiMessage.js';
import type { MockContext } from '../MockContext.js';
import { routeOf, type ApiRoutes } from './routeTable.js';
import type { Resource } from './parseResourcePath.js';

/**
 * Routes one Web API request to its registered handler and returns the response. Used for
 * top-level requests and for each operation inside a `$batch`, so both behave the same.
 */
export function dispatchApiRequest(
  resource: Resource,
  request: ApiRequest,
  ctx: MockContext,
  routes: ApiRoutes,
): Promise<ApiResponse> | ApiResponse {
  const route = routeOf(resource, routes);
  const handler = route.methods[request.method];
  if (handler !== undefined) return handler(resource, request, ctx, routes);
  if (route.otherMethods === 'noHttpResource')
    throw dataverseErrors.noHttpResource(`${request.baseUrl}${request.path}`);
  throw dataverseErrors.methodNotAllowed(request.method);
}
