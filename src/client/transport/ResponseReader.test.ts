import { describe, expect, it } from 'vitest';
import { MAX_HEAD_BYTES, ResponseReader } from './ResponseReader.js';

/** Feeds `wire` in pieces of `size` bytes; returns the reader and after which piece it was done. */
function read(
  wire: string | Buffer,
  size = Number.MAX_SAFE_INTEGER,
  noBody = false,
): { reader: ResponseReader; doneAt: number } {
  const bytes = typeof wire === 'string' ? Buffer.from(wire, 'utf8') : wire;
  const reader = new ResponseReader(noBody);
  let doneAt = -1;
  for (let at = 0, piece = 0; at < bytes.length; at += size, piece++)
    if (reader.push(bytes.subarray(at, at + size)) && doneAt < 0) doneAt = piece;
  return { reader, doneAt };
}

const chunked =
  'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n' +
  '9;ext=1\r\n{"name":"\r\n7\r\nZürich\r\n2\r\n"}\r\n0\r\nX-Trailer: 1\r\n\r\n';

describe('ResponseReader', () => {
  it('reads a chunked body with extensions and trailers, fed whole or a byte at a time', () => {
    for (const size of [Number.MAX_SAFE_INTEGER, 1, 2, 3, 7]) {
      const { reader, doneAt } = read(chunked, size);
      expect(reader.done).toBe(true);
      expect(doneAt).toBe(Math.ceil(Buffer.byteLength(chunked) / Math.min(size, Buffer.byteLength(chunked))) - 1);
      expect(reader.status).toBe(200);
      expect(reader.text()).toBe('{"name":"Zürich"}');
      expect(reader.headers['content-type']).toBe('application/json');
      expect(reader.keepAlive).toBe(true);
    }
  });

  it('reads a Content-Length body split anywhere, a multi-byte character across two reads', () => {
    const body = '{"city":"Zürich"}';
    const wire = `HTTP/1.1 201 Created\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    for (const size of [1, 5, 64]) {
      const { reader } = read(wire, size);
      expect([reader.done, reader.status, reader.text()]).toEqual([true, 201, body]);
    }
  });

  it('is not done until the last byte of the body', () => {
    const reader = new ResponseReader(false);
    expect(reader.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab'))).toBe(false);
    expect(reader.headed).toBe(true);
    expect(reader.push(Buffer.from('cd'))).toBe(true);
    expect(reader.text()).toBe('abcd');
  });

  it('skips informational responses, and reads no body for 204, 304 and HEAD', () => {
    const { reader } = read('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nOData-Version: 4.0\r\n\r\n', 4);
    expect([reader.done, reader.status, reader.headers['odata-version'], reader.text()]).toEqual([
      true,
      204,
      '4.0',
      '',
    ]);
    expect(read('HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n').reader.done).toBe(true);
    const head = read('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', 100, true).reader;
    expect([head.done, head.text()]).toEqual([true, '']);
  });

  it('keeps a repeated header as an array, names lower-cased and values trimmed', () => {
    const { reader } = read('HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie:  b=2 \r\nContent-Length: 0\r\n\r\n');
    expect(reader.headers['set-cookie']).toEqual(['a=1', 'b=2']);
  });

  it('knows when the server will close: Connection: close, HTTP/1.0, a body framed by the end, bytes after', () => {
    expect(read('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n').reader.keepAlive).toBe(false);
    expect(read('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').reader.keepAlive).toBe(false);
    expect(read('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n').reader.keepAlive).toBe(true);
    const extra = read('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1').reader;
    expect([extra.done, extra.text(), extra.keepAlive]).toEqual([true, 'ok', false]);
    const { reader } = read('HTTP/1.1 200 OK\r\n\r\nuntil the end');
    expect([reader.done, reader.keepAlive]).toEqual([false, false]);
    expect(reader.end()).toBe(true);
    expect(reader.text()).toBe('until the end');
  });

  it('reads the Keep-Alive timeout hint in ms', () => {
    const { reader } = read('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5, max=100\r\nContent-Length: 0\r\n\r\n');
    expect(reader.keepAliveHintMs).toBe(5_000);
  });

  it('a response cut short is not done when the connection ends', () => {
    const { reader } = read('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
    expect(reader.end()).toBe(false);
  });

  it('refuses malformed responses with llhttp codes', () => {
    const fails = (wire: string): unknown => {
      try {
        read(wire);
      } catch (error) {
        return (error as { code?: unknown }).code;
      }
      return 'no error';
    };
    expect(fails('HTTP/2 200 OK\r\n\r\n')).toBe('HPE_INVALID_STATUS');
    expect(fails('HTTP/1.1 2x0 OK\r\n\r\n')).toBe('HPE_INVALID_STATUS');
    expect(fails('HTTP/1.1 200 OK\r\nno colon here\r\n\r\n')).toBe('HPE_INVALID_HEADER_TOKEN');
    expect(fails('HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n')).toBe('HPE_INVALID_CONTENT_LENGTH');
    expect(fails('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n')).toBe('HPE_INVALID_TRANSFER_ENCODING');
    expect(fails('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).toBe('HPE_INVALID_CHUNK_SIZE');
    expect(fails('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n')).toBe('HPE_INVALID_CHUNK_SIZE');
    expect(fails(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(MAX_HEAD_BYTES)}`)).toBe('UND_ERR_HEADERS_OVERFLOW');
  });
});
