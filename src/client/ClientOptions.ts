import type { TokenProvider } from './auth/TokenProvider.js';
import type { decideRetry } from './retry/decideRetry.js';
import type { RetryPolicy } from './retry/RetryPolicy.js';
import type { ThrottleGate } from './retry/ThrottleGate.js';

export interface Identity {
  readonly tokens: TokenProvider;
  readonly gate: ThrottleGate;
}

export interface DataverseClientOptions {
  /** The org or mock origin, e.g. `https://contoso.crm.dynamics.com`. */
  readonly url: string;
  /** Default `v9.2`. */
  readonly apiVersion?: string;
  /** One or more identities; calls rotate over them (limits are per user). None: no Authorization header. */
  readonly identities?: readonly TokenProvider[];
  /**
   * The Retry-After gate of each identity, in the same order. A run passes its own, so every
   * client of an identity (every repetition, thread and process) waits at the same gate.
   * Default: a gate of this client's own.
   */
  readonly gates?: readonly ThrottleGate[];
  /** Keep-alive connections in the pool. @default 16 */
  readonly connections?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Per-attempt time limit, from sending to the body's last byte, in ms. @default 120000 */
  readonly timeoutMs?: number;
  /**
   * The target's clock runs this many times faster than the org's (a time-compressed mock): the
   * client's own waits count that many times in the org's time. @default 1
   */
  readonly timeScale?: number;
  /**
   * The requests arrive on a schedule (a load test), not one after another per worker: the time
   * a connection sat idle was the schedule's, not the harness's own, so a compressed mock is told
   * on every attempt to give none of it back (see `WAITED_HEADER`). @default false
   */
  readonly scheduledArrivals?: boolean;
  /** The largest response body read; a larger one fails the call (not retried). @default 256 MiB */
  readonly maxResponseBytes?: number;
  readonly random?: () => number;
  /** Aborting cancels in-flight requests and every wait: calls then fail at once instead of retrying. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Keep the `ARRAffinity` cookie and send it back, as browsers and the SDK's ServiceClient do
   * by default: every request of this client then goes to one web server. @default false
   * (dropped, as Microsoft advises for throughput: requests spread over the web servers).
   */
  readonly affinityCookie?: boolean;
  /** Ask Dataverse to skip custom synchronous plug-ins on every request (`MSCRM.BypassCustomPluginExecution`). */
  readonly bypassCustomLogic?: boolean;
  /** The retry rule, as undici takes a `retry` function. @default decideRetry */
  readonly decide?: typeof decideRetry;
}

export interface CallOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Safe to send again after a lost response (GET, PUT, PATCH, DELETE, or a create with a client-chosen key). */
  readonly idempotent?: boolean;
  /** A create with a client-chosen key: a duplicate-key answer on a retry means the earlier attempt landed. */
  readonly createWithKey?: boolean;
  /** Pin the call to one identity (e.g. one per worker). */
  readonly identity?: number;
}
