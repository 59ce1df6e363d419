import type { ApiRequest } from '../http/ApiMessage.js';
import type { MockContext } from '../MockContext.js';

export interface CallerContext {
  readonly catalogue: MockContext['catalogue'];
  readonly store: MockContext['store'];
  readonly now: () => number;
  /** The user the request runs as, whose id the user functions (`EqualUserId`, `eq-userid`) compare with. */
  readonly userId: string;
}

/** What a query reads, as the request's caller. */
export function asCaller(ctx: MockContext, request: ApiRequest): CallerContext {
  return { catalogue: ctx.catalogue, store: ctx.store, now: ctx.now, userId: request.userId };
}
