import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type Dispatcher } from 'undici';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import { redact } from './auth/redact.js';
import { errorEnvelope } from './errorEnvelope.js';
import type { TokenProvider } from './auth/TokenProvider.js';
import type { BatchEntryInput, BatchResult } from './batch/BatchTypes.js';
import { decodeBatchResult, type DecodeBatchOptions } from './batch/decodeBatchResult.js';
import { encodeBatch } from './batch/encodeBatch.js';
import type { BulkRequest } from './bulk/bulkRequests.js';
import type { CallResult } from './CallResult.js';
import { emptyCounters, type ClientCounters } from './ClientCounters.js';
import { backoffMs, defaultRetryPolicy, RETRYABLE_STATUSES, retryAfterMs, type RetryPolicy } from './retry/RetryPolicy.js';
import { ThrottleGate } from './retry/ThrottleGate.js';

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
  /** Keep-alive connections in the pool. @default 16 */
  readonly connections?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Per-attempt time limit for headers and body, in ms. @default 120000 */
  readonly timeoutMs?: number;
  readonly random?: () => number;
  /** Aborting cancels in-flight requests and every wait: calls then fail at once instead of retrying. */
  readonly signal?: AbortSignal;
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

export interface Hints {
  /** `x-ms-dop-hint`: the recommended degree of parallelism. */
  dopHint: number | undefined;
  burstRemaining: number | undefined;
  timeRemainingSeconds: number | undefined;
}

const BASE_HEADERS = { accept: 'application/json', 'odata-maxversion': '4.0', 'odata-version': '4.0' } as const;

function errorOf(text: string): { code: string; message: string } | undefined {
  try {
    return errorEnvelope(JSON.parse(text));
  } catch {
    return undefined; // not JSON
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * A Dataverse Web API client on an undici pool (keep-alive, no affinity cookie) that honours
 * Retry-After across all workers of an identity, backs off on 5xx and connection errors, signs
 * in again once on a 401, and counts everything it did.
 */
export class DataverseClient {
  readonly origin: string;
  readonly apiPath: string;
  readonly counters: ClientCounters = emptyCounters();
  readonly hints: Hints = { dopHint: undefined, burstRemaining: undefined, timeRemainingSeconds: undefined };
  readonly #pool: Pool;
  readonly #identities: Identity[];
  readonly #policy: RetryPolicy;
  readonly #timeoutMs: number;
  readonly #random: () => number;
  readonly #signal: AbortSignal | undefined;
  #next = 0;

  constructor(options: DataverseClientOptions) {
    const url = new URL(options.url);
    this.origin = url.origin;
    this.apiPath = `/api/data/${options.apiVersion ?? 'v9.2'}/`;
    this.#pool = new Pool(this.origin, { connections: options.connections ?? 16, keepAliveTimeout: 30_000, pipelining: 1 });
    this.#identities = (options.identities ?? []).map((tokens) => ({ tokens, gate: new ThrottleGate() }));
    this.#policy = { ...defaultRetryPolicy, ...options.retry };
    this.#timeoutMs = options.timeoutMs ?? 120_000;
    this.#random = options.random ?? Math.random;
    this.#signal = options.signal;
  }

  #checkAborted(method: string, path: string): void {
    if (this.#signal?.aborted === true) throw errorCatalogue.DVB_ERR_REQUEST_FAILED(`${method} ${path}: cancelled (the run is stopping)`);
  }

  get apiUrl(): string {
    return `${this.origin}${this.apiPath}`;
  }

  get identityCount(): number {
    return Math.max(1, this.#identities.length);
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }

  #identity(pinned: number | undefined): Identity | undefined {
    if (this.#identities.length === 0) return undefined;
    const i = pinned ?? this.#next++;
    return this.#identities[i % this.#identities.length];
  }

  #observe(headers: Readonly<Record<string, string | string[] | undefined>>): void {
    const dop = Number(headerValue(headers['x-ms-dop-hint']));
    if (Number.isInteger(dop) && dop > 0) this.hints.dopHint = dop;
    const burst = Number(headerValue(headers['x-ms-ratelimit-burst-remaining-xrm-requests']));
    if (Number.isFinite(burst)) this.hints.burstRemaining = burst;
    const time = Number(headerValue(headers['x-ms-ratelimit-time-remaining-xrm-requests'])?.replace(/,/g, ''));
    if (Number.isFinite(time)) this.hints.timeRemainingSeconds = time;
  }

  /** Sends one request below the API root (or an absolute URL on the same origin), with the retry policy. */
  async send(method: Dispatcher.HttpMethod, path: string, body?: string, options: CallOptions = {}): Promise<CallResult> {
    const identity = this.#identity(options.identity);
    const idempotent = options.idempotent ?? method !== 'POST';
    const fullPath = path.startsWith(this.origin) ? path.slice(this.origin.length) : path.startsWith('/') ? path : `${this.apiPath}${path}`;
    const started = performance.now();
    let attempts = 0;
    let errorAttempts = 0;
    let throttleRetries = 0;
    let throttled = 0;
    let reauthenticated = false;
    for (;;) {
      this.#checkAborted(method, path);
      if (identity !== undefined) {
        // Waiting at the gate is throttling time even for a worker that was not itself told to wait.
        this.counters.retryWaitMs += await identity.gate.wait(this.#signal);
        this.#checkAborted(method, path);
      }
      attempts++;
      this.counters.requests++;
      const headers: Record<string, string> = { ...BASE_HEADERS, ...options.headers };
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      if (identity !== undefined) headers.authorization = `Bearer ${await identity.tokens.getToken()}`;
      const sentAt = performance.now();
      let status: number;
      let responseHeaders: Record<string, string | string[] | undefined>;
      let text: string;
      let ttfbMs: number;
      try {
        const res = await this.#pool.request({ method, path: fullPath, headers, body, headersTimeout: this.#timeoutMs, bodyTimeout: this.#timeoutMs, ...(this.#signal === undefined ? {} : { signal: this.#signal }) });
        ttfbMs = performance.now() - sentAt;
        status = res.statusCode;
        responseHeaders = res.headers;
        text = await res.body.text();
      } catch (error) {
        this.#checkAborted(method, path);
        this.counters.connectionErrors++;
        errorAttempts++;
        const spent = performance.now() - started;
        if (!idempotent || errorAttempts >= this.#policy.maxAttempts || spent >= this.#policy.maxTotalMs) {
          throw errorCatalogue.DVB_ERR_REQUEST_FAILED(`${method} ${path}: ${redact((error as Error).message)} (after ${attempts} attempt${attempts === 1 ? '' : 's'})`);
        }
        await this.#backoff(errorAttempts);
        continue;
      }
      const lastAttemptMs = performance.now() - sentAt;
      this.#observe(responseHeaders);
      const spent = performance.now() - started;
      const inTime = spent < this.#policy.maxTotalMs;
      const error = status >= 400 ? errorOf(text) : undefined;
      if (status === 401 && identity !== undefined && !reauthenticated) {
        // One fresh token per call: a second 401 is a real authorization failure.
        reauthenticated = true;
        identity.tokens.invalidate();
        this.counters.reauthentications++;
        this.counters.retries++;
        continue;
      }
      if (status === 429) {
        const code = error?.code ?? '';
        throttled++;
        this.counters.throttledByCode[code] = (this.counters.throttledByCode[code] ?? 0) + 1;
        if (inTime && throttleRetries < this.#policy.maxThrottleRetries) {
          throttleRetries++;
          // Dataverse guarantees a throttled request did not run, so any call may be sent again.
          const wait = retryAfterMs(responseHeaders);
          if (identity !== undefined) identity.gate.block(Date.now() + wait);
          else {
            await sleep(wait, undefined, { signal: this.#signal }).catch(() => undefined);
            this.counters.retryWaitMs += wait;
          }
          this.counters.retries++;
          continue;
        }
      }
      if (RETRYABLE_STATUSES.has(status)) {
        this.counters.serverErrors++;
        errorAttempts++;
        // "Server Busy" (the ExecuteMultiple concurrency rule) is refused before anything runs: safe for any call.
        const refusedBeforeRunning = status === 503 && error?.message.startsWith('Server Busy') === true;
        if ((idempotent || refusedBeforeRunning) && inTime && errorAttempts < this.#policy.maxAttempts) {
          await this.#backoff(errorAttempts);
          continue;
        }
      }
      const result: CallResult = { status, headers: responseHeaders, text, ttfbMs, totalMs: performance.now() - started, lastAttemptMs, attempts, throttled, ...(error === undefined ? {} : { error }) };
      if (attempts > 1 && options.createWithKey === true && status === 412 && error?.code === '0x80040237') {
        this.counters.recoveredOnRetry++;
        return { ...result, status: 204, recovered: true };
      }
      if (attempts > 1 && method === 'DELETE' && status === 404) {
        this.counters.recoveredOnRetry++;
        return { ...result, status: 204, recovered: true };
      }
      return result;
    }
  }

  async #backoff(attempts: number): Promise<void> {
    const wait = backoffMs(this.#policy, attempts - 1, this.#random);
    this.counters.retries++;
    this.counters.retryWaitMs += wait;
    await sleep(wait, undefined, { signal: this.#signal }).catch(() => undefined);
  }

  whoAmI(options: CallOptions = {}): Promise<CallResult> {
    return this.send('GET', 'WhoAmI', undefined, options);
  }

  retrieve(entitySet: string, key: string, query = '', options: CallOptions = {}): Promise<CallResult> {
    return this.send('GET', `${entitySet}(${key})${query === '' ? '' : `?${query}`}`, undefined, options);
  }

  /**
   * Creates a record. With `idempotent` the caller has put the primary key in `record`, so a
   * retry after a lost response cannot create a duplicate.
   */
  async create(entitySet: string, record: Record<string, unknown>, options: CallOptions = {}): Promise<CallResult & { id: string | undefined }> {
    const result = await this.send('POST', entitySet, JSON.stringify(record), { ...options, createWithKey: options.idempotent === true });
    const entityId = headerValue(result.headers['odata-entityid']);
    const fromHeader = entityId === undefined ? undefined : /\(([0-9a-fA-F-]{36})\)$/.exec(entityId)?.[1];
    return { ...result, id: fromHeader };
  }

  /** Update only (`If-Match: *`): a missing record is a 404, not a create. */
  update(entitySet: string, key: string, changes: Record<string, unknown>, options: CallOptions = {}): Promise<CallResult> {
    return this.send('PATCH', `${entitySet}(${key})`, JSON.stringify(changes), { ...options, headers: { 'if-match': '*', ...options.headers } });
  }

  upsert(entitySet: string, key: string, record: Record<string, unknown>, options: CallOptions = {}): Promise<CallResult> {
    return this.send('PATCH', `${entitySet}(${key})`, JSON.stringify(record), options);
  }

  delete(entitySet: string, key: string, options: CallOptions = {}): Promise<CallResult> {
    return this.send('DELETE', `${entitySet}(${key})`, undefined, options);
  }

  /** Follows `@odata.nextLink` page by page with `Prefer: odata.maxpagesize`. */
  async *queryPages(pathAndQuery: string, options: CallOptions & { maxPageSize?: number } = {}): AsyncGenerator<CallResult & { records: number }> {
    let next: string | undefined = pathAndQuery;
    const headers = { ...options.headers, ...(options.maxPageSize === undefined ? {} : { prefer: `odata.maxpagesize=${options.maxPageSize}` }) };
    while (next !== undefined) {
      const result = await this.send('GET', next, undefined, { ...options, headers });
      if (result.status !== 200) {
        yield { ...result, records: 0 };
        return;
      }
      const page = JSON.parse(result.text) as { value?: unknown[]; '@odata.nextLink'?: string };
      yield { ...result, records: page.value?.length ?? 0 };
      next = page['@odata.nextLink'];
    }
  }

  async batch(entries: readonly BatchEntryInput[], options: CallOptions & { continueOnError?: boolean } & DecodeBatchOptions = {}): Promise<CallResult & { batch: BatchResult }> {
    const encoded = encodeBatch(entries, { apiUrl: this.apiUrl, continueOnError: options.continueOnError });
    const result = await this.send('POST', '$batch', encoded.body, { ...options, idempotent: options.idempotent ?? false, headers: { ...encoded.headers, ...options.headers } });
    const contentType = headerValue(result.headers['content-type']);
    return { ...result, batch: decodeBatchResult(entries, result.status, result.text, contentType, options) };
  }

  bulk(request: BulkRequest, options: CallOptions = {}): Promise<CallResult> {
    return this.send('POST', request.path, JSON.stringify(request.body), options);
  }
}
