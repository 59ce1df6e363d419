import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';
import { errors } from 'undici';
import { ResponseReader } from './ResponseReader.js';

/** What a connection carries: one request, written whole, and where its response goes. */
export interface Exchange {
  /** The request line, headers and body, as one string. */
  readonly wire: string;
  /** `latin1` when `wire` is ASCII (no body): cheaper to encode. */
  readonly encoding: 'latin1' | 'utf8';
  /** A HEAD request: its response has no body. */
  readonly noBody: boolean;
  onHeaders(): void;
  onResponse(reader: ResponseReader): void;
  onError(error: Error): void;
}

export interface Http1ConnectionOptions {
  readonly connectTimeoutMs: number;
  /** The largest response body read, bytes (see MAX_RESPONSE_BYTES). */
  readonly maxResponseBytes: number;
  /** Extra TLS options for an https origin (a test's own CA). */
  readonly tls?: ConnectionOptions | undefined;
}

/**
 * One keep-alive HTTP/1.1 connection to an origin, carrying one exchange at a time. It reports
 * to its pool when it is free again (`onFree`) and when it is gone (`onGone`); a connection
 * that failed, or whose server asked to close, is never reused.
 */
export class Http1Connection {
  readonly #socket: Socket;
  #exchange: Exchange | undefined;
  #reader: ResponseReader | undefined;
  #gone = false;
  #connectTimer: NodeJS.Timeout | undefined;
  /** `performance.now()` when the last exchange ended. */
  idleSince = 0;
  /** The server's `Keep-Alive: timeout`, ms, once it said one. */
  keepAliveHintMs: number | undefined;

  readonly #maxResponseBytes: number;
  readonly #onFree: (connection: Http1Connection) => void;
  readonly #onGone: (connection: Http1Connection) => void;

  constructor(
    origin: URL,
    options: Http1ConnectionOptions,
    onFree: (connection: Http1Connection) => void,
    onGone: (connection: Http1Connection) => void,
  ) {
    this.#onFree = onFree;
    this.#onGone = onGone;
    this.#maxResponseBytes = options.maxResponseBytes;
    const secure = origin.protocol === 'https:';
    const host = origin.hostname.replace(/^\[|\]$/g, '');
    const port = Number(origin.port || (secure ? 443 : 80));
    this.#socket = secure
      ? connectTls({
          host,
          port,
          ...(isIP(host) === 0 ? { servername: host } : {}),
          ALPNProtocols: ['http/1.1'],
          ...options.tls,
        })
      : connectTcp({ host, port });
    this.#socket.setNoDelay(true);
    this.#socket.setKeepAlive(true, 60_000);
    this.#connectTimer = setTimeout(() => {
      this.#fail(new errors.ConnectTimeoutError());
    }, options.connectTimeoutMs);
    this.#socket.once(secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(this.#connectTimer);
      this.#connectTimer = undefined;
    });
    this.#socket.on('data', (chunk: Buffer) => {
      this.#onData(chunk);
    });
    this.#socket.on('end', () => {
      this.#onEnd();
    });
    this.#socket.on('error', (error: Error) => {
      this.#fail(error);
    });
    this.#socket.on('close', () => {
      this.#fail(new errors.SocketError('other side closed'));
    });
  }

  get gone(): boolean {
    return this.#gone;
  }

  send(exchange: Exchange): void {
    this.#exchange = exchange;
    this.#reader = new ResponseReader(exchange.noBody, this.#maxResponseBytes);
    this.#socket.ref();
    this.#socket.write(exchange.wire, exchange.encoding);
  }

  /** Ends the connection; an exchange on it fails with `reason`. */
  destroy(reason: Error = new errors.ClientDestroyedError()): void {
    this.#fail(reason);
  }

  #onData(chunk: Buffer): void {
    const reader = this.#reader;
    const exchange = this.#exchange;
    if (reader === undefined || exchange === undefined) {
      // Bytes no request asked for: the connection's state is unknown, so it goes.
      this.#fail(new errors.SocketError('data on an idle connection'));
      return;
    }
    const headed = reader.headed;
    let done: boolean;
    try {
      done = reader.push(chunk);
    } catch (error) {
      this.#fail(error as Error);
      return;
    }
    if (!headed && reader.headed) exchange.onHeaders();
    if (done) this.#complete(reader, exchange);
  }

  #onEnd(): void {
    const reader = this.#reader;
    const exchange = this.#exchange;
    if (reader !== undefined && exchange !== undefined && reader.end()) this.#complete(reader, exchange);
    this.#fail(new errors.SocketError('other side closed'));
  }

  #complete(reader: ResponseReader, exchange: Exchange): void {
    this.#exchange = undefined;
    this.#reader = undefined;
    if (reader.keepAliveHintMs !== undefined) this.keepAliveHintMs = reader.keepAliveHintMs;
    if (reader.keepAlive) {
      this.idleSince = performance.now();
      // An idle connection must not keep a finished process alive.
      this.#socket.unref();
      // Freed first: a queued request takes this connection before the caller's code runs.
      this.#onFree(this);
      exchange.onResponse(reader);
    } else {
      this.#fail(new errors.SocketError('closed after the response'));
      exchange.onResponse(reader);
    }
  }

  #fail(error: Error): void {
    if (this.#gone) return;
    this.#gone = true;
    clearTimeout(this.#connectTimer);
    const exchange = this.#exchange;
    this.#exchange = undefined;
    this.#reader = undefined;
    this.#socket.destroy();
    this.#onGone(this);
    exchange?.onError(error);
  }
}
