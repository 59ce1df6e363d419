import type { ApiRequest, ApiResponse } from '../http/ApiMessage.js';
import type { MockContext } from '../MockContext.js';
import type { ApiRoutes } from '../routes/routeTable.js';
import { dispatchApiRequest } from '../routes/dispatchApiRequest.js';
import type { Resource } from '../routes/parseResourcePath.js';

/** The `lose` and `duplicate` faults: a create answered as usual, but kept zero times or twice. */
export function corruptCreate(
  kind: 'lose' | 'duplicate',
  resource: Extract<Resource, { kind: 'collection' }>,
  request: ApiRequest,
  ctx: MockContext,
  routes: ApiRoutes,
): ApiResponse {
  if (kind === 'lose')
    return ctx.store.forgetting(() => dispatchApiRequest(resource, request, ctx, routes) as ApiResponse);
  const answer = dispatchApiRequest(resource, request, ctx, routes) as ApiResponse;
  if (answer.status < 300) {
    // The copy gets a new id (and no alternate key values, which would clash).
    const keys = new Set([resource.table.primaryKey, ...resource.table.definition.alternateKeys.flat()]);
    const body = Object.fromEntries(
      Object.entries(JSON.parse(request.body) as Record<string, unknown>).filter(([k]) => !keys.has(k)),
    );
    void dispatchApiRequest(
      resource,
      { ...request, body: JSON.stringify(body), headers: { ...request.headers, prefer: undefined } },
      ctx,
      routes,
    );
  }
  return answer;
}
