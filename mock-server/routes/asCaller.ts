import type { ApiRequest } from '../http/ApiMessage.js';
import type { MockContext } from '../MockContext.js';
import type { QueryContext } from '../odata/FilterContext.js';

/** What a query reads, as the request's caller (whose id `EqualUserId` and `eq-userid` compare with). */
export function asCaller(ctx: MockContext, request: ApiRequest): QueryContext {
  return { catalogue: ctx.catalogue, store: ctx.store, now: ctx.now, userId: request.userId };
}
