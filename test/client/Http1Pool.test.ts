import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Http1Pool } from '../../src/client/transport/Http1Pool.js';

let server: Server;
let pool: Http1Pool;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/slow') {
      setTimeout(() => res.end('late'), 5_000).unref();
      return;
    }
    if (req.url === '/stalls') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"name":');
      setTimeout(() => res.end('"late"}'), 5_000).unref();
      return;
    }
    // Three chunks, one multi-byte character split across two of them.
    const bytes = Buffer.from('{"name":"Zürich"}');
    res.writeHead(201, { 'content-type': 'application/json', 'x-ms-dop-hint': '8' });
    res.write(bytes.subarray(0, 11));
    setTimeout(() => {
      res.write(bytes.subarray(11, 13));
      res.end(bytes.subarray(13));
    }, 5);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  pool = new Http1Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 2 });
});

afterAll(async () => {
  await pool.close();
  server.closeAllConnections();
  server.close();
});

describe('the transport (Http1Pool)', () => {
  it('answers status, lower-cased headers and the whole body decoded once, with its timings', async () => {
    const a = await pool.send({ method: 'GET', path: '/ok', headers: {}, timeoutMs: 2_000 });
    expect(a.status).toBe(201);
    expect(a.headers['x-ms-dop-hint']).toBe('8');
    expect(a.text).toBe('{"name":"Zürich"}');
    expect(a.ttfbMs).toBeGreaterThan(0);
    expect(a.serviceMs).toBeGreaterThanOrEqual(a.ttfbMs);
  });

  it('an abort cancels a request in flight at once, and one aborted before it starts is never sent', async () => {
    const stop = new AbortController();
    const started = Date.now();
    const pending = pool.send({
      method: 'GET',
      path: '/slow',
      headers: {},
      timeoutMs: 10_000,
      signal: stop.signal,
    });
    setTimeout(() => {
      stop.abort();
    }, 50);
    await expect(pending).rejects.toMatchObject({ code: 'UND_ERR_ABORTED' });
    expect(Date.now() - started).toBeLessThan(2_000);
    let seen = 0;
    server.once('request', () => seen++);
    await expect(
      pool.send({ method: 'GET', path: '/ok', headers: {}, timeoutMs: 2_000, signal: stop.signal }),
    ).rejects.toMatchObject({ code: 'UND_ERR_ABORTED' });
    expect(seen).toBe(0);
  });

  it('a response slower than the time limit fails with the headers timeout', async () => {
    await expect(pool.send({ method: 'GET', path: '/slow', headers: {}, timeoutMs: 100 })).rejects.toMatchObject({
      code: 'UND_ERR_HEADERS_TIMEOUT',
    });
  });

  it('a body that stops coming fails with the body timeout, and the time limit counts from sending', async () => {
    const started = performance.now();
    await expect(pool.send({ method: 'GET', path: '/stalls', headers: {}, timeoutMs: 150 })).rejects.toMatchObject({
      code: 'UND_ERR_BODY_TIMEOUT',
    });
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(149);
    expect(waited).toBeLessThan(2_000);
  });

  it('attempts with different time limits each fail at their own, and the pool still serves', async () => {
    const started = performance.now();
    const failedAt = (timeoutMs: number): Promise<number> =>
      pool.send({ method: 'GET', path: '/slow', headers: {}, timeoutMs }).then(
        () => Number.NaN,
        () => performance.now() - started,
      );
    const [long, short] = await Promise.all([failedAt(400), failedAt(100)]);
    expect(short).toBeGreaterThanOrEqual(99);
    expect(long).toBeGreaterThanOrEqual(399);
    expect(short).toBeLessThan(long);
    const a = await pool.send({ method: 'GET', path: '/ok', headers: {}, timeoutMs: 2_000 });
    expect(a.status).toBe(201);
  });
});
