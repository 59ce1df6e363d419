import { errors } from 'undici';

/** Node's own limit on a response's status line and headers. */
export const MAX_HEAD_BYTES = 16 * 1024;

/**
 * The largest response body the client reads: 256 MiB, four times the mock's largest `$batch`
 * answer, and far below the ~512 MiB where a body can no longer become one string.
 */
export const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

const CRLF = 0x0a0d; // '\r\n' read as a little-endian uint16
const HEAD_END = Buffer.from('\r\n\r\n');

type Framing = 'length' | 'chunked' | 'close' | 'none';
type ChunkState = 'size' | 'data' | 'data-end' | 'trailers';

/** undici's parser error, with the `HPE_` code llhttp gives the same fault. */
function parserError(message: string, code: string): Error {
  return Object.assign(new errors.HTTPParserError(message), { code: `HPE_${code}` });
}

/**
 * Reads one HTTP/1.1 response from the bytes of a socket, as they come (RFC 9112): the status
 * line and headers, then a body framed by `Content-Length`, by chunks, or by the connection's
 * end. Informational (1xx) responses are skipped. Bytes after the response are dropped and
 * the connection is not kept: nothing is pipelined, so a server that sends them cannot be
 * trusted with the next request on it.
 */
export class ResponseReader {
  status = 0;
  headers: Record<string, string | string[] | undefined> = {};
  /** The server keeps the connection open after this response. */
  keepAlive = true;
  /** `Keep-Alive: timeout=N` of the response, ms; undefined when not sent. */
  keepAliveHintMs: number | undefined;
  /** Whether the status line and headers have come. */
  headed = false;
  readonly #noBody: boolean;
  #head: Buffer | undefined;
  #framing: Framing = 'none';
  #remaining = 0;
  #chunkState: ChunkState = 'size';
  #line: Buffer | undefined;
  readonly #body: Buffer[] = [];
  #bodyBytes = 0;
  readonly #maxBodyBytes: number;
  #done = false;

  /**
   * @param noBody the request was HEAD: no response to it has a body, whatever it says.
   * @param maxBodyBytes a longer body fails the request (undici's ResponseExceededMaxSizeError).
   */
  constructor(noBody: boolean, maxBodyBytes = MAX_RESPONSE_BYTES) {
    this.#noBody = noBody;
    this.#maxBodyBytes = maxBodyBytes;
  }

  #keep(bytes: Buffer): void {
    this.#bodyBytes += bytes.length;
    if (this.#bodyBytes > this.#maxBodyBytes) this.#tooLarge();
    this.#body.push(bytes);
  }

  #tooLarge(): never {
    throw new errors.ResponseExceededMaxSizeError(
      `the response body is larger than ${this.#maxBodyBytes} bytes, the client's limit (maxResponseBytes)`,
    );
  }

  get done(): boolean {
    return this.#done;
  }

  /** The body, decoded once as UTF-8 (a character may span chunks). */
  text(): string {
    const body = this.#body;
    if (body.length === 0) return '';
    return body.length === 1 ? (body[0]?.toString('utf8') ?? '') : Buffer.concat(body).toString('utf8');
  }

  /** Feeds the socket's next bytes; true once the response is whole. Throws on a malformed response. */
  push(chunk: Buffer): boolean {
    let rest: Buffer | undefined = chunk;
    if (!this.headed) {
      rest = this.#readHead(chunk);
      if (rest === undefined) return false;
    }
    this.#readBody(rest);
    return this.#done;
  }

  /** The connection ended: true when that completes the response (a body framed by the end). */
  end(): boolean {
    if (this.headed && this.#framing === 'close') this.#done = true;
    return this.#done;
  }

  /** Returns the bytes after the head, or undefined while the head is incomplete. */
  #readHead(chunk: Buffer): Buffer | undefined {
    for (;;) {
      const bytes: Buffer = this.#head === undefined ? chunk : Buffer.concat([this.#head, chunk]);
      // Search from just before the new bytes: the head's end may span two reads.
      const from = this.#head === undefined ? 0 : Math.max(0, this.#head.length - 3);
      const end = bytes.indexOf(HEAD_END, from);
      if (end < 0) {
        if (bytes.length > MAX_HEAD_BYTES) throw new errors.HeadersOverflowError();
        this.#head = bytes;
        return undefined;
      }
      if (end > MAX_HEAD_BYTES) throw new errors.HeadersOverflowError();
      this.#head = undefined;
      this.#parseHead(bytes.toString('latin1', 0, end));
      chunk = bytes.subarray(end + 4);
      if (this.status >= 200 || this.status === 101) break;
      // 1xx: another head follows.
      this.headers = {};
      if (chunk.length === 0) return undefined;
    }
    this.headed = true;
    this.#frame();
    return chunk;
  }

  #parseHead(head: string): void {
    const lineEnd = head.indexOf('\r\n');
    const statusLine = lineEnd < 0 ? head : head.slice(0, lineEnd);
    const status = Number(statusLine.slice(9, 12));
    if (!/^HTTP\/1\.[01] \d{3}(?: |$)/.test(statusLine) || status < 100)
      throw parserError(`invalid status line: ${JSON.stringify(statusLine.slice(0, 80))}`, 'INVALID_STATUS');
    this.status = status;
    const headers = parseHeaderLines(head, lineEnd < 0 ? head.length : lineEnd + 2);
    this.headers = headers;
    const connection = joined(headers.connection)?.toLowerCase();
    this.keepAlive =
      connection !== undefined && /\bclose\b/.test(connection)
        ? false
        : connection !== undefined && /\bkeep-alive\b/.test(connection)
          ? true
          : !statusLine.startsWith('HTTP/1.0');
    const hint = /\btimeout=(\d+)/i.exec(joined(headers['keep-alive']) ?? '')?.[1];
    this.keepAliveHintMs = hint === undefined ? undefined : Number(hint) * 1000;
  }

  #frame(): void {
    const { status, headers } = this;
    if (this.#noBody || status === 204 || status === 304 || status < 200) {
      this.#framing = 'none';
      this.#done = true;
      return;
    }
    const encoding = joined(headers['transfer-encoding'])?.toLowerCase();
    if (encoding !== undefined) {
      if (!/(?:^|,)\s*chunked\s*$/.test(encoding))
        throw parserError(`unsupported transfer-encoding: ${encoding}`, 'INVALID_TRANSFER_ENCODING');
      this.#framing = 'chunked';
      return;
    }
    const length = headers['content-length'];
    if (length === undefined) {
      // Framed by the connection's end, which then cannot carry another request.
      this.#framing = 'close';
      this.keepAlive = false;
      return;
    }
    if (Array.isArray(length) || !/^\d+$/.test(length))
      throw parserError(`invalid content-length: ${JSON.stringify(length)}`, 'INVALID_CONTENT_LENGTH');
    this.#framing = 'length';
    this.#remaining = Number(length);
    if (this.#remaining > this.#maxBodyBytes) this.#tooLarge();
    if (this.#remaining === 0) this.#done = true;
  }

  #readBody(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.#done) {
      this.keepAlive = false;
      return;
    }
    switch (this.#framing) {
      case 'length': {
        const take = Math.min(bytes.length, this.#remaining);
        this.#keep(take === bytes.length ? bytes : bytes.subarray(0, take));
        this.#remaining -= take;
        if (this.#remaining === 0) this.#done = true;
        if (take < bytes.length) this.keepAlive = false;
        return;
      }
      case 'close':
        this.#keep(bytes);
        return;
      case 'chunked':
        this.#readChunked(bytes);
        return;
      case 'none':
        return;
    }
  }

  #readChunked(bytes: Buffer): void {
    let at = 0;
    while (at < bytes.length) {
      if (this.#done) {
        this.keepAlive = false;
        return;
      }
      if (this.#chunkState === 'data') {
        const take = Math.min(this.#remaining, bytes.length - at);
        this.#keep(bytes.subarray(at, at + take));
        at += take;
        this.#remaining -= take;
        if (this.#remaining === 0) this.#chunkState = 'data-end';
        continue;
      }
      const line = this.#takeLine(bytes, at);
      if (line === undefined) return;
      at = line.next;
      this.#chunkLine(line.text);
    }
  }

  /** A CRLF-ended line from `at` (joined with what an earlier read left), or undefined to wait. */
  #takeLine(bytes: Buffer, at: number): { text: string; next: number } | undefined {
    const lf = bytes.indexOf(0x0a, at);
    if (lf < 0) {
      const piece = bytes.subarray(at);
      this.#line = this.#line === undefined ? Buffer.from(piece) : Buffer.concat([this.#line, piece]);
      if (this.#line.length > MAX_HEAD_BYTES) throw new errors.HeadersOverflowError();
      return undefined;
    }
    let line = bytes.subarray(at, lf + 1);
    if (this.#line !== undefined) {
      line = Buffer.concat([this.#line, line]);
      this.#line = undefined;
    }
    if (line.length < 2 || line.readUInt16LE(line.length - 2) !== CRLF)
      throw parserError('chunk line not ended by CRLF', 'CR_EXPECTED');
    return { text: line.toString('latin1', 0, line.length - 2), next: lf + 1 };
  }

  #chunkLine(text: string): void {
    switch (this.#chunkState) {
      case 'size': {
        const size = /^([0-9a-fA-F]{1,12})(?:[ \t]*;.*)?$/.exec(text)?.[1];
        if (size === undefined)
          throw parserError(`invalid chunk size: ${JSON.stringify(text.slice(0, 40))}`, 'INVALID_CHUNK_SIZE');
        this.#remaining = parseInt(size, 16);
        this.#chunkState = this.#remaining === 0 ? 'trailers' : 'data';
        return;
      }
      case 'data-end':
        if (text !== '') throw parserError('chunk data longer than its size', 'INVALID_CHUNK_SIZE');
        this.#chunkState = 'size';
        return;
      case 'trailers':
        // Trailer fields are read and dropped; the empty line ends the message.
        if (text === '') this.#done = true;
        return;
      case 'data':
        return;
    }
  }
}

/** The header lines of a head from `i`: names lower-cased, values trimmed, repeats as arrays. */
function parseHeaderLines(head: string, i: number): Record<string, string | string[] | undefined> {
  const headers: Record<string, string | string[] | undefined> = {};
  while (i < head.length) {
    let j = head.indexOf('\r\n', i);
    if (j < 0) j = head.length;
    const colon = head.indexOf(':', i);
    if (colon < 0 || colon > j || colon === i)
      throw parserError(
        `invalid header line: ${JSON.stringify(head.slice(i, Math.min(j, i + 80)))}`,
        'INVALID_HEADER_TOKEN',
      );
    const name = head.slice(i, colon).toLowerCase();
    const value = head.slice(colon + 1, j).trim();
    const seen = headers[name];
    headers[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    i = j + 2;
  }
  return headers;
}

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
