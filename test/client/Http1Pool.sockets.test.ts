import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { Http1Pool } from '../../src/client/transport/Http1Pool.js';

// A test-only self-signed certificate for localhost and 127.0.0.1 (openssl req -x509, 100 years); not a secret.
const TLS_DIR = new URL('../fixtures/tls/', import.meta.url);
const cert = readFileSync(new URL('localhost-cert.pem', TLS_DIR));
const key = readFileSync(new URL('localhost-key.pem', TLS_DIR));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A node:http server on loopback counting its connections; closed after the test. */
async function httpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  secure = false,
): Promise<{ url: string; connections: () => number; server: Server }> {
  const server = secure ? createHttpsServer({ cert, key }, handler) : createServer(handler);
  let connections = 0;
  server.on(secure ? 'secureConnection' : 'connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return {
    url: `${secure ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    server,
  };
}

/** A raw TCP server that answers each connection's first request with `answer`. */
async function rawServer(answer: (socket: Socket, request: string) => void): Promise<string> {
  const server: TcpServer = createTcpServer((socket) => {
    let seen = '';
    socket.on('data', (d: Buffer) => {
      seen += d.toString('latin1');
      if (seen.includes('\r\n\r\n')) answer(socket, seen);
    });
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => sockets.add(s));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function pool(url: string, options: ConstructorParameters<typeof Http1Pool>[1] = {}): Http1Pool {
  const p = new Http1Pool(url, options);
  cleanups.push(() => p.close());
  return p;
}

const get = (path = '/x') => ({ method: 'GET' as const, path, headers: {}, timeoutMs: 5_000 });

describe('Http1Pool over loopback sockets', () => {
  it('reuses one keep-alive connection for requests in sequence', async () => {
    const s = await httpServer((_req, res) => res.end('ok'));
    const p = pool(s.url);
    for (let i = 0; i < 10; i++) expect((await p.send(get())).text).toBe('ok');
    expect(s.connections()).toBe(1);
    expect(p.connections).toBe(1);
  });

  it('opens no more connections than allowed and answers every queued request', async () => {
    let inFlight = 0;
    let most = 0;
    const s = await httpServer((req, res) => {
      most = Math.max(most, ++inFlight);
      setTimeout(() => {
        inFlight--;
        res.end(req.url);
      }, 5);
    });
    const p = pool(s.url, { connections: 3 });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => p.send(get(`/r${i}`))));
    expect(answers.map((a) => a.text)).toEqual(Array.from({ length: 20 }, (_, i) => `/r${i}`));
    expect(s.connections()).toBe(3);
    expect(most).toBe(3);
  });

  it('sends the body with its byte length, and the headers as given', async () => {
    let received:
      { body: string; length: string | undefined; type: string | undefined; host: string | undefined } | undefined;
    const s = await httpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received = {
          body: Buffer.concat(chunks).toString('utf8'),
          length: req.headers['content-length'],
          type: req.headers['content-type'],
          host: req.headers.host,
        };
        res.writeHead(204).end();
      });
    });
    const p = pool(s.url);
    const body = '{"name":"Zürich ✓"}';
    const a = await p.send({
      method: 'POST',
      path: '/accounts',
      headers: { 'content-type': 'application/json' },
      body,
      timeoutMs: 5_000,
    });
    expect(a.status).toBe(204);
    expect(received).toEqual({
      body,
      length: String(Buffer.byteLength(body)),
      type: 'application/json',
      host: new URL(s.url).host,
    });
  });

  it('a server that closes after answering gets a new connection for the next request', async () => {
    const s = await httpServer((_req, res) => res.writeHead(200, { connection: 'close' }).end('bye'));
    const p = pool(s.url);
    expect((await p.send(get())).text).toBe('bye');
    expect((await p.send(get())).text).toBe('bye');
    expect(s.connections()).toBe(2);
  });

  it("does not reuse a connection past the server's Keep-Alive timeout less a second", async () => {
    const s = await httpServer((_req, res) => res.end('ok'));
    s.server.keepAliveTimeout = 2_000;
    const p = pool(s.url);
    await p.send(get());
    await p.send(get());
    expect(s.connections()).toBe(1);
    await sleep(1_100);
    await p.send(get());
    expect(s.connections()).toBe(2);
  });

  it('a connection cut mid-body fails its request with the socket error, and the next one succeeds', async () => {
    let n = 0;
    const url = await rawServer((socket) => {
      if (n++ === 0) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    const p = pool(url);
    await expect(p.send(get())).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    expect((await p.send(get())).text).toBe('ok');
  });

  it('a malformed response fails with the parser error and its connection is not reused', async () => {
    let n = 0;
    const url = await rawServer((socket) => {
      socket.write(n++ === 0 ? 'HTTP/1.1 OK\r\n\r\n' : 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    const p = pool(url);
    await expect(p.send(get())).rejects.toMatchObject({ code: 'HPE_INVALID_STATUS' });
    expect((await p.send(get())).text).toBe('ok');
    expect(n).toBe(2);
  });

  it('bytes after a response (an answer nobody asked for) end the connection: the next request gets its own answer', async () => {
    const sockets = new Set<Socket>();
    const url = await rawServer((socket) => {
      const first = !sockets.has(socket) && sockets.size === 0;
      sockets.add(socket);
      socket.write(
        first
          ? 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirstHTTP/1.1 500 Stray\r\nContent-Length: 5\r\n\r\nstray'
          : 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
      );
    });
    const p = pool(url);
    expect((await p.send(get())).text).toBe('first');
    const next = await p.send(get());
    expect([next.status, next.text]).toEqual([200, 'ok']);
    expect(sockets.size).toBe(2);
  });

  it('an answer arriving on an idle connection ends it; the next request is not answered by it', async () => {
    const sockets = new Set<Socket>();
    const url = await rawServer((socket) => {
      const first = sockets.size === 0;
      sockets.add(socket);
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      if (first) setTimeout(() => socket.write('HTTP/1.1 500 Stray\r\nContent-Length: 5\r\n\r\nstray'), 50);
    });
    const p = pool(url);
    await p.send(get());
    await sleep(150);
    const next = await p.send(get());
    expect([next.status, next.text]).toEqual([200, 'ok']);
    expect(sockets.size).toBe(2);
  });

  it('a response whose promised body never comes fails at the time limit, and its connection is not reused', async () => {
    const sockets = new Set<Socket>();
    const url = await rawServer((socket) => {
      const first = sockets.size === 0;
      sockets.add(socket);
      // Repro 20's shape: a bodiless 500 that promises 73 bytes on a kept-alive connection.
      socket.write(
        first
          ? 'HTTP/1.1 500 No Content\r\nContent-Length: 73\r\n\r\n'
          : 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
      );
    });
    const p = pool(url);
    const started = performance.now();
    await expect(p.send({ ...get(), timeoutMs: 300 })).rejects.toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect((await p.send(get())).text).toBe('ok');
    expect(sockets.size).toBe(2);
  });

  it("a refused connection fails with net's ECONNREFUSED, which the retry layer reads as unreachable", async () => {
    const p = pool('http://127.0.0.1:9');
    await expect(p.send(get())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('a request waiting for a connection can be aborted, and is never sent', async () => {
    const seen: string[] = [];
    const s = await httpServer((req, res) => {
      seen.push(req.url ?? '');
      setTimeout(() => res.end('slow'), 100);
    });
    const p = pool(s.url, { connections: 1 });
    const stop = new AbortController();
    const first = p.send(get('/first'));
    const second = p.send({ ...get('/second'), signal: stop.signal });
    stop.abort();
    await expect(second).rejects.toMatchObject({ code: 'UND_ERR_ABORTED' });
    expect((await first).text).toBe('slow');
    expect((await p.send(get('/third'))).text).toBe('slow');
    expect(seen).toEqual(['/first', '/third']);
  });

  it('refuses a request it cannot write safely, before anything is sent', async () => {
    let requests = 0;
    const s = await httpServer((_req, res) => {
      requests++;
      res.end();
    });
    const p = pool(s.url);
    await expect(p.send({ ...get(), headers: { 'x-evil': 'a\r\nx-injected: 1' } })).rejects.toMatchObject({
      code: 'UND_ERR_INVALID_ARG',
    });
    await expect(p.send(get('/with space'))).rejects.toMatchObject({ code: 'UND_ERR_INVALID_ARG' });
    await expect(p.send({ ...get(), headers: { 'content-length': '5' } })).rejects.toMatchObject({
      code: 'UND_ERR_INVALID_ARG',
    });
    expect(requests).toBe(0);
  });

  it("speaks HTTPS, checking the server's certificate", async () => {
    const s = await httpServer((_req, res) => res.end('secure'), true);
    await expect(pool(s.url).send(get())).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    const trusting = pool(s.url, { tls: { ca: cert } });
    for (let i = 0; i < 3; i++) expect((await trusting.send(get())).text).toBe('secure');
    // The refused handshake never became a secure connection; the trusting pool used one for all three.
    expect(s.connections()).toBe(1);
  });

  it('close() waits for the requests in flight, then refuses new ones', async () => {
    const s = await httpServer((_req, res) => setTimeout(() => res.end('done'), 50));
    const p = new Http1Pool(s.url);
    const inFlight = p.send(get());
    await p.close();
    expect((await inFlight).text).toBe('done');
    expect(p.connections).toBe(0);
    await expect(p.send(get())).rejects.toMatchObject({ code: 'UND_ERR_CLOSED' });
  });
});
