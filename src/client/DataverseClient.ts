import { performance } from 'node:perf_hooks';
import { DEFAULT_TIMEOUT_MS } from './compressedClientTimes.js';
import { addWaited, NO_WAIT, WAITED_HEADER, waitedOf, type Waited } from '../../protocol/timeCompression.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import { redact } from './auth/redact.js';
import { errorOf, finishCall } from './finishCall.js';
import type { BatchEntryInput, BatchResult } from './batch/BatchTypes.js';
import type { DecodeBatchOptions } from './batch/decodeBatchResult.js';
import { sendBatch } from './batch/sendBatch.js';
import type { BulkRequest } from './bulk/bulkRequests.js';
import type { CallResult } from './CallResult.js';
import type { CallOptions, DataverseClientOptions, Identity } from './ClientOptions.js';
import { observeAnswer, type Hints } from './observeAnswer.js';
import { queryPages } from './queryPages.js';
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
import { headerValue } from './headerValue.js';

const BASE_HEADERS = { accept: 'application/json', 'odata-maxversion': '4.0', 'odata-version': '4.0' } as const;

/** The call an attempt belongs to, as the retry steps need it. */
interface CallInProgress {
  readonly method: string;
  readonly path: string;
  readonly identity: Identity | undefined;
  /** Safe to send again after a lost response. */
  readonly idempotent: boolean;
}

/** A record's columns as the Web API takes them in a body. */
type Row = Record<string, unknown>;

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
  readonly #scheduled: boolean;
  /** How many times faster than the org's the target's clock runs (a time-compressed mock); 1 elsewhere. */
  readonly timeScale: number;
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
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.timeScale = options.timeScale ?? 1;
    this.#scheduled = options.scheduledArrivals === true;
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
        const waited = await identity.gate.wait(this.#signal);
        this.counters.retryWaitMs += waited;
        state = { ...state, waited: addWaited(state.waited, this.#compressed(waited)) };
        this.#checkAborted(method, path);
      }
      state = { ...state, attempts: state.attempts + 1 };
      this.counters.requests++;
      const pending = this.#headersFor(identity, body, this.#compressionHeaders(options.headers, state));
      const headers = pending instanceof Promise ? await pending : pending;
      let attempt: Attempt;
      try {
        attempt = await this.#attempt(method, fullPath, body, headers);
      } catch (error) {
        state = await this.#afterLostAttempt(error, state, call);
        continue;
      }
      this.#circuit.answered();
      // Only a time-compressed mock says what it held; an org's answers leave the state as it is.
      const held = waitedOf(attempt.headers);
      if (held !== NO_WAIT) state = { ...state, waited: addWaited(state.waited, held) };
      const affinity = observeAnswer(attempt.headers, this.hints, this.counters);
      if (affinity !== undefined && this.#keepAffinity) this.#affinity = affinity;
      // A success needs no decision.
      if (attempt.status < 400) return this.#finish(attempt, state, method, options, undefined);
      const end = this.#answerOf(attempt);
      const decision = this.#decide(end, state, this.#retryContext(call));
      state = decision.state;
      if (decision.action !== 'retry') return this.#finish(attempt, state, method, options, end.error);
      const waited = await this.#retry(decision, identity);
      state = { ...state, waited: addWaited(state.waited, this.#compressed(waited)) };
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
    const waited = await this.#retry(decision, call.identity);
    return { ...decision.state, waited: addWaited(decision.state.waited, this.#compressed(waited)) };
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
  #answerOf(attempt: Attempt): Extract<AttemptEnd, { kind: 'answer' }> {
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

  /** On a time-compressed mock, an attempt after a wait, or any on a schedule, says so (see `WAITED_HEADER`). */
  #compressionHeaders(
    headers: Readonly<Record<string, string>> | undefined,
    state: CallState,
  ): Readonly<Record<string, string>> | undefined {
    if (this.timeScale === 1 || (!this.#scheduled && state.attempts <= 1 && state.waited.realMs === 0)) return headers;
    return { ...headers, [WAITED_HEADER]: '1' };
  }

  /** A wait of the client's own (Retry-After, backoff), which a compressed run's org would have waited `timeScale` times longer. */
  #compressed(realMs: number): Waited {
    return { realMs, orgMs: realMs * this.timeScale };
  }

  /** Does what a retry decision asks before the next attempt: a fresh token, and the wait; answers the ms it waited. */
  async #retry(decision: Extract<RetryDecision, { action: 'retry' }>, identity: Identity | undefined): Promise<number> {
    this.counters.retries++;
    if (decision.reauthenticate && identity !== undefined) {
      identity.tokens.invalidate();
      this.counters.reauthentications++;
    }
    const { wait } = decision;
    if (wait.kind === 'none') return 0;
    // The identity's gate holds every worker of that user for a Retry-After; it is counted at the gate.
    if (wait.kind === 'retryAfter' && identity !== undefined) {
      identity.gate.block(Date.now() + wait.ms);
      return 0;
    }
    const ms = wait.kind === 'retryAfter' ? wait.ms : backoffMs(this.#policy, wait.step, this.#random);
    this.counters.retryWaitMs += ms;
    await sleep(ms, undefined, { signal: this.#signal }).catch(() => undefined);
    return ms;
  }

  #finish(
    attempt: Attempt,
    state: CallState,
    method: string,
    options: CallOptions,
    error: { readonly code: string; readonly message: string } | undefined,
  ): CallResult {
    this.#circuit.callEnded(RETRYABLE_STATUSES.has(attempt.status));
    const result = finishCall(attempt, state, method, options, error);
    if (result.recovered === true) this.counters.recoveredOnRetry++;
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
    record: Row,
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
  update(entitySet: string, key: string, changes: Row, options: CallOptions = {}): Promise<CallResult> {
    return this.upsert(entitySet, key, changes, { ...options, headers: { 'if-match': '*', ...options.headers } });
  }

  upsert(entitySet: string, key: string, record: Row, options: CallOptions = {}): Promise<CallResult> {
    return this.send('PATCH', `${entitySet}(${key})`, JSON.stringify(record), options);
  }

  delete(entitySet: string, key: string, options: CallOptions = {}): Promise<CallResult> {
    return this.send('DELETE', `${entitySet}(${key})`, undefined, options);
  }

  /**
   * Follows `@odata.nextLink` page by page with `Prefer: odata.maxpagesize`, or a FetchXML
   * query's paging cookie (see `queryPages`).
   */
  queryPages(
    pathAndQuery: string,
    options: CallOptions & { maxPageSize?: number } = {},
  ): AsyncGenerator<CallResult & { records: number }> {
    return queryPages(this, pathAndQuery, options);
  }

  /** Sends a `$batch`, resuming after a lost response when every part is safe to repeat (see `sendBatch`). */
  batch(
    entries: readonly BatchEntryInput[],
    options: CallOptions & { continueOnError?: boolean; resumed?: boolean } & DecodeBatchOptions = {},
  ): Promise<CallResult & { batch: BatchResult }> {
    return sendBatch(this, entries, options);
  }

  /** Sends a bulk message; a retried CreateMultiple of keyed records that meets its own records counts as done. */
  bulk(request: BulkRequest, options: CallOptions = {}): Promise<CallResult> {
    return this.send('POST', request.path, JSON.stringify(request.body), options);
  }
}
