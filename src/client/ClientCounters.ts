/** What happened on the wire, beyond the calls' own results; merged exactly across workers. */
export interface ClientCounters {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** 429s by Dataverse limit code (`0x80072322`, `0x80072321`, `0x80072326`). */
  throttledByCode: Record<string, number>;
  /** Requests sent again after a 429, a 5xx, a connection error or a 401. */
  retries: number;
  /** Time spent waiting: at the identity's Retry-After gate and in backoff, in ms. */
  retryWaitMs: number;
  connectionErrors: number;
  serverErrors: number;
  /** Tokens re-acquired after a 401. */
  reauthentications: number;
  /**
   * A retried create met its own earlier attempt (duplicate key), or a retried delete found it
   * gone: counted as success.
   */
  recoveredOnRetry: number;
  /**
   * Responses by the web server their affinity cookie names (its first 8 characters): Dataverse
   * sets `ARRAffinity` on every answer to a request that came without it, so a client that drops
   * the cookie sees how its requests spread over the org's web servers.
   */
  affinity: Record<string, number>;
}

export function emptyCounters(): ClientCounters {
  return {
    requests: 0,
    throttledByCode: {},
    retries: 0,
    retryWaitMs: 0,
    connectionErrors: 0,
    serverErrors: 0,
    reauthentications: 0,
    recoveredOnRetry: 0,
    affinity: {},
  };
}

export function mergeCounters(into: ClientCounters, from: ClientCounters): ClientCounters {
  into.requests += from.requests;
  into.retries += from.retries;
  into.retryWaitMs += from.retryWaitMs;
  into.connectionErrors += from.connectionErrors;
  into.serverErrors += from.serverErrors;
  into.reauthentications += from.reauthentications;
  into.recoveredOnRetry += from.recoveredOnRetry;
  for (const [code, n] of Object.entries(from.throttledByCode))
    into.throttledByCode[code] = (into.throttledByCode[code] ?? 0) + n;
  for (const [server, n] of Object.entries(from.affinity)) into.affinity[server] = (into.affinity[server] ?? 0) + n;
  return into;
}
