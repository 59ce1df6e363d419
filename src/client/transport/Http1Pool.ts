import { performance } from 'node:perf_hooks';
import type { ConnectionOptions } from 'node:tls';
import { errors } from 'undici';
import type { Attempt, AttemptRequest } from './Attempt.js';
import { attemptDeadlines, type Expirable } from './AttemptDeadlines.js';
import { Http1Connection, type Exchange, type Http1ConnectionOptions } from './Http1Connection.js';
import { MAX_RESPONSE_BYTES, type ResponseReader } from './ResponseReader.js';

export interface Http1PoolOptions {
  /** The most connections open at once. @default 16 */
  readonly connections?: number;
  /**
   * How long an idle connection is reused, ms; a server's `Keep-Alive: timeout` less a second
   * when it is shorter, so a request never races the server closing it. @default 30000
   */
  readonly keepAliveMs?: number;
  /** @default 10000 */
  readonly connectTimeoutMs?: number;
  /** Extra TLS options for an https origin (a test's own CA). */
  readonly tls?: ConnectionOptions;
  /** The largest response body read; a larger one fails its request. @default MAX_RESPONSE_BYTES */
  readonly maxResponseBytes?: number;
}

/** Headers the transport writes itself, from the request's framing. */
const FRAMING_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade']);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** undici's rule: a request target of visible Latin-1 characters, percent-encoded already. */
const PATH = /^\/[\x21-\xff]*$/;
/** undici's rule: tab, visible ASCII and Latin-1; no CR, LF or NUL that could split the head. */
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const KEEP_ALIVE_MARGIN_MS = 1_000;

/**
 * The HTTP/1.1 client of the hot path: keep-alive connections to one origin, one request on
 * each at a time, the rest queued. It writes a request as one string and reads the response
 * with `ResponseReader`, on plain `net`/`tls` sockets, as autocannon does: undici's general
 * machinery (request objects, handler chains, its wasm parser's calls into JavaScript) cost
 * about 10 µs of client CPU per request more, which at a load generator's rates made the
 * harness a visible part of what it measured. Errors are undici's classes and codes, so the
 * retry layers read them as before; `net`'s own (ECONNREFUSED, ECONNRESET) pass through.
 */
export class Http1Pool {
  readonly #origin: URL;
  readonly #host: string;
  readonly #max: number;
  readonly #keepAliveMs: number;
  readonly #connectionOptions: Http1ConnectionOptions;
  readonly #connections = new Set<Http1Connection>();
  /** Free connections, the most recently used last: reuse keeps the fewest sockets warm. */
  readonly #idle: Http1Connection[] = [];
  #queue: PendingAttempt[] = [];
  #queueHead = 0;
  #active = 0;
  #closing = false;
  #drained: (() => void) | undefined;
  readonly #free = (connection: Http1Connection): void => {
    this.#onFree(connection);
  };
  readonly #gone = (connection: Http1Connection): void => {
    this.#onGone(connection);
  };
  readonly #settled = (): void => {
    this.#active--;
    if (this.#active === 0 && this.#drained !== undefined) this.#drained();
  };

  constructor(origin: string, options: Http1PoolOptions = {}) {
    this.#origin = new URL(origin);
    if (this.#origin.protocol !== 'http:' && this.#origin.protocol !== 'https:')
      throw new errors.InvalidArgumentError(`${origin}: only http and https origins`);
    this.#host = this.#origin.host;
    this.#max = options.connections ?? 16;
    this.#keepAliveMs = options.keepAliveMs ?? 30_000;
    this.#connectionOptions = {
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      tls: options.tls,
      maxResponseBytes: options.maxResponseBytes ?? MAX_RESPONSE_BYTES,
    };
  }

  /** Connections open now, busy or idle. */
  get connections(): number {
    return this.#connections.size;
  }

  /** One request, no retries; rejects with what the connection failed with. */
  send(request: AttemptRequest): Promise<Attempt> {
    return new Promise<Attempt>((resolve, reject) => {
      if (this.#closing) {
        reject(new errors.ClientClosedError());
        return;
      }
      // A request the transport cannot write throws here, which rejects.
      const wire = this.#serialize(request);
      if (request.signal?.aborted === true) {
        reject(new errors.RequestAbortedError());
        return;
      }
      const pending = new PendingAttempt(request, wire, resolve, reject, this.#settled);
      this.#active++;
      this.#dispatch(pending);
    });
  }

  /** Waits for the requests in flight and queued, then closes every connection. */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#active > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
    for (const connection of [...this.#connections]) connection.destroy();
  }

  #serialize(request: AttemptRequest): string {
    const { method, path, headers, body } = request;
    if (!TOKEN.test(method)) throw new errors.InvalidArgumentError(`invalid request method: ${method}`);
    if (!PATH.test(path)) throw new errors.InvalidArgumentError(`invalid request path: ${path}`);
    let wire = `${method} ${path} HTTP/1.1\r\nhost: ${this.#host}\r\n`;
    for (const name in headers) {
      const value = headers[name] ?? '';
      if (!TOKEN.test(name) || FRAMING_HEADERS.has(name.toLowerCase()))
        throw new errors.InvalidArgumentError(`invalid request header name: ${name}`);
      if (BAD_VALUE.test(value)) throw new errors.InvalidArgumentError(`invalid value of request header ${name}`);
      wire += `${name}: ${value}\r\n`;
    }
    if (body !== undefined) return `${wire}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    return method === 'POST' || method === 'PUT' || method === 'PATCH'
      ? `${wire}content-length: 0\r\n\r\n`
      : `${wire}\r\n`;
  }

  #dispatch(pending: PendingAttempt): void {
    const connection = this.#takeIdle() ?? this.#open();
    if (connection === undefined) this.#queue.push(pending);
    else pending.start(connection);
  }

  #takeIdle(): Http1Connection | undefined {
    const now = performance.now();
    for (let connection = this.#idle.pop(); connection !== undefined; connection = this.#idle.pop()) {
      if (connection.gone) continue;
      const hint = connection.keepAliveHintMs;
      const limit = hint === undefined ? this.#keepAliveMs : Math.min(this.#keepAliveMs, hint - KEEP_ALIVE_MARGIN_MS);
      if (now - connection.idleSince < limit) return connection;
      connection.destroy();
    }
    return undefined;
  }

  #open(): Http1Connection | undefined {
    if (this.#connections.size >= this.#max) return undefined;
    const connection = new Http1Connection(this.#origin, this.#connectionOptions, this.#free, this.#gone);
    this.#connections.add(connection);
    return connection;
  }

  #nextQueued(): PendingAttempt | undefined {
    while (this.#queueHead < this.#queue.length) {
      const pending = this.#queue[this.#queueHead++];
      if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#queueHead);
        this.#queueHead = 0;
      }
      if (pending !== undefined && !pending.isSettled) return pending;
    }
    if (this.#queueHead > 0) {
      this.#queue = [];
      this.#queueHead = 0;
    }
    return undefined;
  }

  #onFree(connection: Http1Connection): void {
    const next = this.#nextQueued();
    if (next === undefined) this.#idle.push(connection);
    else next.start(connection);
  }

  #onGone(connection: Http1Connection): void {
    this.#connections.delete(connection);
    const at = this.#idle.indexOf(connection);
    if (at >= 0) this.#idle.splice(at, 1);
    // A request queued behind a connection that died gets a new one.
    if (this.#connections.size >= this.#max) return;
    const next = this.#nextQueued();
    if (next !== undefined) this.#dispatch(next);
  }
}

/** One request from `send` to its settling: the connection's exchange and a kept deadline. */
class PendingAttempt implements Exchange, Expirable {
  readonly deadline: number;
  slot = -1;
  readonly wire: string;
  readonly encoding: 'latin1' | 'utf8';
  readonly noBody: boolean;
  readonly #onSettled: () => void;
  readonly #sentAt: number;
  readonly #signal: AbortSignal | undefined;
  readonly #resolve: (attempt: Attempt) => void;
  readonly #reject: (error: Error) => void;
  #connection: Http1Connection | undefined;
  #ttfbMs = -1;
  #settled = false;
  readonly #onAbort = (): void => {
    this.#stop(new errors.RequestAbortedError());
  };

  constructor(
    request: AttemptRequest,
    wire: string,
    resolve: (attempt: Attempt) => void,
    reject: (error: Error) => void,
    onSettled: () => void,
  ) {
    this.#onSettled = onSettled;
    this.#sentAt = performance.now();
    this.deadline = this.#sentAt + request.timeoutMs;
    this.wire = wire;
    this.encoding = request.body === undefined ? 'latin1' : 'utf8';
    this.noBody = request.method === 'HEAD';
    this.#signal = request.signal;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
    attemptDeadlines.add(this);
  }

  get isSettled(): boolean {
    return this.#settled;
  }

  start(connection: Http1Connection): void {
    this.#connection = connection;
    connection.send(this);
  }

  onHeaders(): void {
    this.#ttfbMs = performance.now() - this.#sentAt;
  }

  onResponse(reader: ResponseReader): void {
    if (this.#settle()) return;
    const serviceMs = performance.now() - this.#sentAt;
    this.#resolve({
      status: reader.status,
      headers: reader.headers,
      text: reader.text(),
      ttfbMs: this.#ttfbMs < 0 ? serviceMs : this.#ttfbMs,
      serviceMs,
    });
  }

  onError(error: Error): void {
    if (this.#settle()) return;
    this.#reject(error);
  }

  expire(): void {
    this.#stop(this.#ttfbMs < 0 ? new errors.HeadersTimeoutError() : new errors.BodyTimeoutError());
  }

  /** A request on a connection can only be stopped by closing that connection. */
  #stop(reason: Error): void {
    if (this.#settled) return;
    if (this.#connection === undefined) this.onError(reason);
    else this.#connection.destroy(reason);
  }

  /** Marks this settled; true when it already was. */
  #settle(): boolean {
    if (this.#settled) return true;
    this.#settled = true;
    attemptDeadlines.delete(this);
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#onSettled();
    return false;
  }
}
