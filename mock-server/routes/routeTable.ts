import type { ApiRequest, ApiResponse } from '../http/ApiMessage.js';
import type { MockContext } from '../MockContext.js';
import type { Resource, ResourceKind } from './parseResourcePath.js';

type ResourceOf<K extends ResourceKind> = Extract<Resource, { kind: K }>;

type RouteHandler<R extends Resource> = (
  resource: R,
  request: ApiRequest,
  ctx: MockContext,
  routes: ApiRoutes,
) => Promise<ApiResponse> | ApiResponse;

export interface ApiRoute<R extends Resource> {
  /** The stats label: method plus the resource's shape, never its key values. */
  readonly label: (resource: R) => string;
  readonly methods: Readonly<Partial<Record<string, RouteHandler<R>>>>;
  /**
   * What another method gets. Dataverse answers 405 on entity sets and records but 404
   * ("No HTTP resource") on functions and actions, as if the route did not exist.
   */
  readonly otherMethods: 'methodNotAllowed' | 'noHttpResource';
}

/** One entry per resource kind; the mapped type makes the compiler ask for a new kind's entry. */
export type ApiRoutes = { readonly [K in ResourceKind]: ApiRoute<ResourceOf<K>> };

/** The entry for a resource, typed to it (TypeScript cannot correlate the lookup by itself). */
export function routeOf<R extends Resource>(resource: R, routes: ApiRoutes): ApiRoute<R> {
  return routes[resource.kind] as unknown as ApiRoute<R>;
}

/** The route label used in stats. */
export function routeLabel(method: string, resource: Resource | undefined, routes: ApiRoutes): string {
  return resource === undefined ? `${method} (unmatched)` : `${method} ${routeOf(resource, routes).label(resource)}`;
}
