import type { MockContext } from '../MockContext.js';
import type { Resource } from '../routes/parseResourcePath.js';
import type { MaybePromise } from './MaybePromise.js';

/** The server time the protected work took, filled in by the work itself. */
export interface ServiceTiming {
  serviceMs: number;
}

/**
 * Stage 4: service protection. Admits the request or throws the 429 Dataverse would send,
 * and charges the user's execution-time window with what the work took, failed or not.
 */
export function protect<T>(
  userId: string,
  server: number,
  resource: Resource,
  ctx: MockContext,
  work: (timing: ServiceTiming) => MaybePromise<T>,
): MaybePromise<T> {
  const admission = ctx.protection.admit(userId, ctx.now(), resource.kind === 'batch', server);
  if (!admission.ok) throw admission.error;
  const timing: ServiceTiming = { serviceMs: 0 };
  const release = (): void => {
    admission.release(timing.serviceMs, ctx.now());
  };
  let result: MaybePromise<T>;
  try {
    result = work(timing);
  } catch (error) {
    release();
    throw error;
  }
  if (result instanceof Promise) return result.finally(release);
  release();
  return result;
}
