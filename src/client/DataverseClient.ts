import { nextQueryPage, queryPrefer, type QueryPageBody } from './queryPaging.js';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import { redact } from './auth/redact.js';
import { errorEnvelope } from './errorEnvelope.js';
import type { TokenProvider } from './auth/TokenProvider.js';
import type { BatchEntryInput, BatchResult } from './batch/BatchTypes.js';
import { decodeBatchResult, recoverRetriedParts, type DecodeBatchOptions } from './batch/decodeBatchResult.js';
import { encodeBatch } from './batch/encodeBatch.js';
import type { BulkRequest } from './bulk/bulkRequests.js';
import type { CallResult } from './CallResult.js';
import { emptyCounters, type ClientCounters } from './ClientCounters.js';
import { CircuitBreaker } from './retry/CircuitBreaker.js';
import {
  decideRetry,
  newCallState,
  type AttemptEnd,
  type CallState,
  type RetryContext,
  type RetryDecision,
} from './retry/decideRetry.js';
import {
  backoffMs,
  defaultRetryPolicy,
  RETRYABLE_STATUSES,
  retryAfterMs,
  type RetryPolicy,
} from './retry/RetryPolicy.js';
import { ThrottleGate } from './retry/ThrottleGate.js';
import type { Attempt } from './transport/Attempt.js';
import { Http1Pool } from './transport/Http1Pool.js';

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
  /** The largest response body read; a larger one fails the call (not retried). @default 256 MiB */
  readonly maxResponseBytes?: number;
  readonly random?: () => number;
  /** Aborting cancels in-flight requests and every wait: calls then fail at once instead of retrying. */
  readonly signal?: AbortSignal;
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

export interface Hints {
  /** `x-ms-dop-hint`: the recommended degree of parallelism. */
  dopHint: number | undefined;
  burstRemaining: number | undefined;
  timeRemainingSeconds: number | undefined;
}

const AFFINITY = /(?:^|[;,]\s*)ARRAffinity=([^;,\s]+)/;

const BASE_HEADERS = { accept: 'application/json', 'odata-maxversion': '4.0', 'odata-version': '4.0' } as const;

/** Pages one query may follow: 100,000 pages of 5,000 records is more than any table holds. */
const MAX_QUERY_PAGES = 100_000;

/** Dataverse's duplicate-key code ("Cannot insert duplicate key"). */
const DUPLICATE_KEY = '0x80040237';

/** The call an attempt belongs to, as the retry steps need it. */
interface CallInProgress {
  readonly method: string;
  readonly path: string;
  readonly identity: Identity | undefined;
  /** Safe to send again after a lost response. */
  readonly idempotent: boolean;
}

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
 * A Dataverse Web API client on dvbench's HTTP/1.1 pool (keep-alive, no affinity cookie) that honours
 * Retry-After across all workers of an identity, backs off on 5xx and connection errors, signs
 * in again once on a 401, and counts everything it did.
 */
export class DataverseClient {
  readonly origin: string;
  readonly apiPath: string;
  readonly counters: ClientCounters = emptyCounters();
  readonly hints: Hints = { dopHint: undefined, burstRemaining: undefined, timeRemainingSeconds: undefined };
  readonly #pool: Http1Pool;
  readonly #identities: Identity[];
  readonly #policy: RetryPolicy;
  readonly #timeoutMs: number;
  readonly #random: () => number;
  readonly #signal: AbortSignal | undefined;
  readonly #keepAffinity: boolean;
  readonly #baseHeaders: Readonly<Record<string, string>>;
  /** The `ARRAffinity` value this client sends back, once the server has set one (when kept). */
  #affinity: string | undefined;
  #next = 0;
  readonly #circuit: CircuitBreaker;
  readonly #decide: typeof decideRetry;

  constructor(options: DataverseClientOptions) {
    const url = new URL(options.url);
    this.origin = url.origin;
    this.apiPath = `/api/data/${options.apiVersion ?? 'v9.2'}/`;
    this.#pool = new Http1Pool(this.origin, {
      connections: options.connections ?? 16,
      keepAliveMs: 30_000,
      ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
    });
    this.#identities = (options.identities ?? []).map((tokens, i) => ({
      tokens,
      gate: options.gates?.[i] ?? new ThrottleGate(),
    }));
    this.#policy = { ...defaultRetryPolicy, ...options.retry };
    this.#circuit = new CircuitBreaker(this.origin, this.#policy.unreachableAfter);
    this.#decide = options.decide ?? decideRetry;
    this.#timeoutMs = options.timeoutMs ?? 120_000;
    this.#random = options.random ?? Math.random;
    this.#signal = options.signal;
    this.#keepAffinity = options.affinityCookie ?? false;
    this.#baseHeaders =
      options.bypassCustomLogic === true
        ? { ...BASE_HEADERS, 'MSCRM.BypassCustomPluginExecution': 'true' }
        : BASE_HEADERS;
  }

  #checkAborted(method: string, path: string): void {
    if (this.#signal?.aborted === true)
      throw errorCatalogue.DVB_ERR_CANCELLED(`${method} ${path}: cancelled (the run is stopping)`);
    const unreachable = this.#circuit.unreachable;
    if (unreachable !== undefined) throw errorCatalogue.DVB_ERR_TARGET_UNREACHABLE(unreachable);
  }

  get apiUrl(): string {
    return `${this.origin}${this.apiPath}`;
  }

  get identityCount(): number {
    return Math.max(1, this.#identities.length);
  }

  /**
   * A bearer token of one identity (pinned, else the next in turn), for code that sends its
   * own requests; undefined when the target needs none (the mock with auth off).
   */
  async token(identity?: number): Promise<string | undefined> {
    return this.#identity(identity)?.tokens.getToken();
  }

  /** Why the target counts as unreachable, once it does. */
  get unreachable(): string | undefined {
    return this.#circuit.unreachable;
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
    const setCookie = headers['set-cookie'];
    if (setCookie === undefined) return;
    const value = AFFINITY.exec(Array.isArray(setCookie) ? setCookie.join('; ') : setCookie)?.[1];
    if (value === undefined) return;
    const server = value.slice(0, 8);
    this.counters.affinity[server] = (this.counters.affinity[server] ?? 0) + 1;
    if (this.#keepAffinity) this.#affinity = value;
  }

  /** The transport layer: one attempt, no retries. Throws undici's error classes, or `net`'s. */
  #attempt(
    method: Dispatcher.HttpMethod,
    fullPath: string,
    body: string | undefined,
    headers: Record<string, string>,
  ): Promise<Attempt> {
    return this.#pool.send({
      method,
      path: fullPath,
      headers,
      body,
      timeoutMs: this.#timeoutMs,
      signal: this.#signal,
    });
  }

  /**
   * The authentication layer: the identity's bearer token on every attempt. Synchronous while
   * the token is cached (nearly always): at a load generator's rates an `await` per request is
   * measurable client CPU.
   */
  #headersFor(
    identity: Identity | undefined,
    body: string | undefined,
    extra: Readonly<Record<string, string>> | undefined,
  ): Record<string, string> | Promise<Record<string, string>> {
    const headers: Record<string, string> = { ...this.#baseHeaders, ...extra };
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    if (this.#affinity !== undefined) headers.cookie = `ARRAffinity=${this.#affinity}`;
    if (identity === undefined) return headers;
    const cached = identity.tokens.cachedToken?.();
    if (cached !== undefined) {
      headers.authorization = `Bearer ${cached}`;
      return headers;
    }
    return identity.tokens.getToken().then((token) => {
      headers.authorization = `Bearer ${token}`;
      return headers;
    });
  }

  /**
   * Sends one request below the API root (or an absolute URL on the same origin) through the
   * layers: the identity's Retry-After gate, authentication, one attempt on the transport, the
   * retry decision (`decideRetry`), and the wait it asks for.
   */
  async send(
    method: Dispatcher.HttpMethod,
    path: string,
    body?: string,
    options: CallOptions = {},
  ): Promise<CallResult> {
    const identity = this.#identity(options.identity);
    const call = { method, path, identity, idempotent: options.idempotent ?? method !== 'POST' };
    const fullPath = path.startsWith(this.origin)
      ? path.slice(this.origin.length)
      : path.startsWith('/')
        ? path
        : `${this.apiPath}${path}`;
    let state = newCallState(performance.now());
    for (;;) {
      this.#checkAborted(method, path);
      if (identity !== undefined && !identity.gate.isOpen) {
        // Waiting at the gate is throttling time even for a worker that was not itself told to wait.
        this.counters.retryWaitMs += await identity.gate.wait(this.#signal);
        this.#checkAborted(method, path);
      }
      state = { ...state, attempts: state.attempts + 1 };
      this.counters.requests++;
      const pending = this.#headersFor(identity, body, options.headers);
      const headers = pending instanceof Promise ? await pending : pending;
      let attempt: Attempt;
      try {
        attempt = await this.#attempt(method, fullPath, body, headers);
      } catch (error) {
        state = await this.#afterLostAttempt(error, state, call);
        continue;
      }
      this.#circuit.answered();
      this.#observe(attempt.headers);
      // A success needs no decision.
      if (attempt.status < 400) return this.#finish(attempt, state, method, options);
      const decision = this.#decide(this.#answerOf(attempt), state, this.#retryContext(call));
      state = decision.state;
      if (decision.action !== 'retry') return this.#finish(attempt, state, method, options);
      await this.#retry(decision, identity);
    }
  }

  /** An attempt without an answer: the circuit counts it; the call is retried after a backoff, or fails. */
  async #afterLostAttempt(error: unknown, state: CallState, call: CallInProgress): Promise<CallState> {
    this.#checkAborted(call.method, call.path);
    this.counters.connectionErrors++;
    const reason = redact(error instanceof Error ? error.message : String(error));
    const unreachable = this.#circuit.connectionFailed(error, reason);
    if (unreachable !== undefined) throw errorCatalogue.DVB_ERR_TARGET_UNREACHABLE(unreachable);
    const tooLarge = (error as { code?: unknown }).code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE';
    const decision = this.#decide({ kind: 'error', tooLarge }, state, this.#retryContext(call));
    if (decision.action !== 'retry') {
      this.#circuit.callEnded(true);
      const n = decision.state.attempts;
      throw errorCatalogue.DVB_ERR_REQUEST_FAILED(
        `${call.method} ${call.path}: ${reason} (after ${n} attempt${n === 1 ? '' : 's'})`,
      );
    }
    await this.#retry(decision, call.identity);
    return decision.state;
  }

  #retryContext(call: CallInProgress): RetryContext {
    return {
      policy: this.#policy,
      now: performance.now(),
      idempotent: call.idempotent,
      canReauthenticate: call.identity !== undefined,
      failing: this.#circuit.failing,
    };
  }

  /** An answered attempt as the retry rule reads it; counts what the server said. */
  #answerOf(attempt: Attempt): AttemptEnd {
    const { status } = attempt;
    const error = errorOf(attempt.text);
    if (status === 429) {
      const code = error?.code ?? '';
      this.counters.throttledByCode[code] = (this.counters.throttledByCode[code] ?? 0) + 1;
      const header = attempt.headers['retry-after'];
      return {
        kind: 'answer',
        status,
        error,
        retryAfterMs: retryAfterMs(attempt.headers),
        ...(header === undefined ? {} : { retryAfter: String(header) }),
      };
    }
    if (RETRYABLE_STATUSES.has(status)) this.counters.serverErrors++;
    return { kind: 'answer', status, error };
  }

  /** Does what a retry decision asks before the next attempt: a fresh token, and the wait. */
  async #retry(decision: Extract<RetryDecision, { action: 'retry' }>, identity: Identity | undefined): Promise<void> {
    this.counters.retries++;
    if (decision.reauthenticate && identity !== undefined) {
      identity.tokens.invalidate();
      this.counters.reauthentications++;
    }
    const { wait } = decision;
    if (wait.kind === 'none') return;
    // The identity's gate holds every worker of that user for a Retry-After; it is counted at the gate.
    if (wait.kind === 'retryAfter' && identity !== undefined) {
      identity.gate.block(Date.now() + wait.ms);
      return;
    }
    const ms = wait.kind === 'retryAfter' ? wait.ms : backoffMs(this.#policy, wait.step, this.#random);
    this.counters.retryWaitMs += ms;
    await sleep(ms, undefined, { signal: this.#signal }).catch(() => undefined);
  }

  #finish(attempt: Attempt, state: CallState, method: string, options: CallOptions): CallResult {
    const error = attempt.status >= 400 ? errorOf(attempt.text) : undefined;
    this.#circuit.callEnded(RETRYABLE_STATUSES.has(attempt.status));
    const result: CallResult = {
      status: attempt.status,
      headers: attempt.headers,
      text: attempt.text,
      ttfbMs: attempt.ttfbMs,
      totalMs: performance.now() - state.started,
      lastAttemptMs: attempt.serviceMs,
      attempts: state.attempts,
      throttled: state.throttled,
      ...(error === undefined
        ? state.gaveUp === undefined
          ? {}
          : { error: { code: '', message: state.gaveUp } }
        : {
            error: {
              code: error.code,
              message: redact(state.gaveUp === undefined ? error.message : `${error.message} (${state.gaveUp})`),
            },
          }),
    };
    // A lost response to an earlier attempt: the duplicate key or the missing record is its own work.
    const recovered =
      state.attempts > 1 &&
      ((options.createWithKey === true && attempt.status === 412 && error?.code === DUPLICATE_KEY) ||
        (method === 'DELETE' && attempt.status === 404));
    if (recovered) {
      this.counters.recoveredOnRetry++;
      return { ...result, status: 204, recovered: true };
    }
    return result;
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
  async create(
    entitySet: string,
    record: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<CallResult & { id: string | undefined }> {
    const result = await this.send('POST', entitySet, JSON.stringify(record), {
      ...options,
      createWithKey: options.idempotent === true,
    });
    const entityId = headerValue(result.headers['odata-entityid']);
    const fromHeader = entityId === undefined ? undefined : /\(([0-9a-fA-F-]{36})\)$/.exec(entityId)?.[1];
    return { ...result, id: fromHeader };
  }

  /** Update only (`If-Match: *`): a missing record is a 404, not a create. */
  update(
    entitySet: string,
    key: string,
    changes: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<CallResult> {
    return this.send('PATCH', `${entitySet}(${key})`, JSON.stringify(changes), {
      ...options,
      headers: { 'if-match': '*', ...options.headers },
    });
  }

  upsert(
    entitySet: string,
    key: string,
    record: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<CallResult> {
    return this.send('PATCH', `${entitySet}(${key})`, JSON.stringify(record), options);
  }

  delete(entitySet: string, key: string, options: CallOptions = {}): Promise<CallResult> {
    return this.send('DELETE', `${entitySet}(${key})`, undefined, options);
  }

  /**
   * Follows `@odata.nextLink` page by page with `Prefer: odata.maxpagesize`, or a FetchXML
   * query's paging cookie. A link that repeats, or more than MAX_QUERY_PAGES pages, throws
   * DVB_ERR_REQUEST_FAILED.
   */
  async *queryPages(
    pathAndQuery: string,
    options: CallOptions & { maxPageSize?: number } = {},
  ): AsyncGenerator<CallResult & { records: number }> {
    let next: string | undefined = pathAndQuery;
    const prefer = queryPrefer(pathAndQuery, options.maxPageSize);
    const headers = { ...options.headers, ...(prefer === undefined ? {} : { prefer }) };
    // A server whose next link repeats would be followed forever, spending the org's entitlement.
    const seen = new Set<string>();
    while (next !== undefined) {
      if (seen.has(next) || seen.size >= MAX_QUERY_PAGES)
        throw errorCatalogue.DVB_ERR_REQUEST_FAILED(
          seen.has(next)
            ? `GET ${pathAndQuery}: the server's next-page link repeats an earlier page's (${next.slice(0, 200)}); the query was stopped after ${seen.size} page(s)`
            : `GET ${pathAndQuery}: more than ${MAX_QUERY_PAGES} pages; the query was stopped (a larger page size, or a narrower filter)`,
        );
      seen.add(next);
      const result = await this.send('GET', next, undefined, { ...options, headers });
      if (result.status !== 200) {
        yield { ...result, records: 0 };
        return;
      }
      const page = JSON.parse(result.text) as QueryPageBody;
      yield { ...result, records: page.value?.length ?? 0 };
      next = nextQueryPage(next, page);
    }
  }

  /**
   * Sends a `$batch`. With `idempotent` (every part safe to repeat: reads, updates, upserts,
   * deletes, creates with client-chosen keys) a lost response is sent again, and the parts the
   * lost attempt already ran are recognised as its work (see `recoverRetriedParts`); a retry
   * that stopped at such a part sends the remaining parts on.
   */
  async batch(
    entries: readonly BatchEntryInput[],
    options: CallOptions & { continueOnError?: boolean; resumed?: boolean } & DecodeBatchOptions = {},
  ): Promise<CallResult & { batch: BatchResult }> {
    const encoded = encodeBatch(entries, {
      apiUrl: this.apiUrl,
      ...(options.continueOnError === undefined ? {} : { continueOnError: options.continueOnError }),
    });
    const result = await this.send('POST', '$batch', encoded.body, {
      ...options,
      idempotent: options.idempotent ?? false,
      headers: { ...encoded.headers, ...options.headers },
    });
    const contentType = headerValue(result.headers['content-type']);
    let batch = decodeBatchResult(entries, result.status, result.text, contentType, options);
    // The rest of a resumed batch was run by the lost attempt too: its parts answer like a retry's.
    if ((result.attempts === 1 && options.resumed !== true) || options.idempotent !== true) return { ...result, batch };
    const recovered = recoverRetriedParts(entries, batch);
    batch = recovered.batch;
    if (recovered.resumeAt === undefined) return { ...result, status: batch.status, batch };
    const rest = await this.batch(entries.slice(recovered.resumeAt), { ...options, resumed: true });
    const done = batch.results.slice(0, batch.results.length - rest.batch.results.length);
    const results = [...done, ...rest.batch.results];
    const succeeded = results.filter((x) => x.ok).length;
    return {
      ...rest,
      totalMs: result.totalMs + rest.totalMs,
      attempts: result.attempts + rest.attempts,
      batch: { status: rest.batch.status, results, succeeded, failed: results.length - succeeded },
    };
  }

  /** Sends a bulk message; a retried CreateMultiple of keyed records that meets its own records counts as done. */
  bulk(request: BulkRequest, options: CallOptions = {}): Promise<CallResult> {
    return this.send('POST', request.path, JSON.stringify(request.body), options);
  }
}
