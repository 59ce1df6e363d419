import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { startMockServer } from '../../mock-server/index.js';
import { connectMock, useMockServer } from '../helpers/useMockServer.js';

const CRLF = '\r\n';
const BIN = new URL('../../bin/dvbench.js', import.meta.url).pathname;
const part = (method: string, url: string, body = ''): string =>
  `--b${CRLF}Content-Type: application/http${CRLF}Content-Transfer-Encoding: binary${CRLF}${CRLF}${method} ${url} HTTP/1.1${CRLF}${body === '' ? '' : `Content-Type: application/json${CRLF}`}${CRLF}${body}${CRLF}`;

describe('client mistakes are 4xx, never 500 (repro 02)', () => {
  const mock = useMockServer();

  it('a deeply nested JSON value in a known column is a 400 naming the type', async () => {
    const res = await mock.api('POST', 'accounts', { body: `{"name":${'['.repeat(20_000)}${']'.repeat(20_000)}}` });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe("Cannot convert the literal '[array]' to the expected type 'Edm.String'.");
  });

  it('a LIKE range written backwards matches nothing, as in SQL Server', async () => {
    await mock.seed({ account: 5 });
    const res = await mock.api('GET', `accounts?$filter=${encodeURIComponent("contains(name,'[z-a]')")}`);
    expect(res.status).toBe(200);
    expect(res.json.value).toEqual([]);
  });

  it('12 LIKE wildcards over 5000 records answer in bounded time, and health answers meanwhile (repro 01)', async () => {
    await mock.seed({ account: 5000 });
    const filter = encodeURIComponent("contains(name,'%_%_%_%_%_%_%_%_%_%_%_%_!')");
    const started = Date.now();
    const [query, health] = await Promise.all([
      mock.api('GET', `accounts?$filter=${filter}&$select=name`),
      mock.raw('GET', '/_mock/health'),
    ]);
    expect(query.status).toBe(200);
    expect(health.status).toBe(200);
    // A backtracking regex took over 60 s here; a generous bound that only exponential time misses.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('in $batch, a failing part answers alone; the parts before it keep their answers', async () => {
    const id = 'aaaaaaaa-0000-0000-0000-000000000001';
    const body = `${part('POST', 'accounts', JSON.stringify({ accountid: id, name: 'part 1' }))}${part('GET', 'accounts?$filter=nosuch%20eq%201')}--b--${CRLF}`;
    const res = await mock.api('POST', '$batch', {
      body,
      headers: { 'content-type': 'multipart/mixed; boundary=b', prefer: 'odata.continue-on-error' },
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('HTTP/1.1 204');
    expect(res.text).toContain('HTTP/1.1 400');
    expect((await mock.api('GET', `accounts(${id})`)).status).toBe(200);
  });

  it('an upsert by a non-Latin-1 alternate key answers 204 with the key percent-encoded in OData-EntityId (repro 20)', async () => {
    const res = await mock.api('PATCH', `accounts(accountnumber='${encodeURIComponent('€1')}')`, {
      body: { name: 'euro' },
    });
    expect(res.status).toBe(204);
    expect(res.headers['odata-entityid']).toMatch(/\/accounts\(accountnumber='%E2%82%AC1'\)$/);
    // The connection stays in step: the next answer is the next request's.
    expect(
      (await mock.api('GET', `accounts(accountnumber='${encodeURIComponent('€1')}')?$select=name`)).json.name,
    ).toBe('euro');
  });

  it('a POST with a body and no Content-Type is 415, as a cross-site form would be', async () => {
    const res = await request(`${mock.server.apiUrl}accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${mock.token}` },
      body: '{"name":"csrf"}',
    });
    expect(res.statusCode).toBe(415);
    await res.body.dump();
  });

  it('a 20,000-character URL is read and answered, not cut off with an empty 431', async () => {
    const res = await mock.api(
      'GET',
      `accounts?$select=name&$filter=${encodeURIComponent(`name eq '${'x'.repeat(20_000)}'`)}`,
    );
    expect(res.status).toBe(200);
  });
});

describe('bounded work in one request (repro 24)', () => {
  const mock = useMockServer();

  it('a filter of more than 50 any/all lambdas is a 400 naming the bound; 50 share one index and answer', async () => {
    await mock.seed({ account: 50, contact: 2000 });
    const lambdas = (n: number): string =>
      Array.from({ length: n }, (_, i) => `contact_customer_accounts/any(c:c/lastname eq 'L${i}')`).join(' or ');
    const refused = await mock.api('GET', `accounts?$select=name&$filter=${encodeURIComponent(lambdas(51))}`);
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toBe(
      'The filter holds 51 any/all lambda expressions; the dvbench mock answers at most 50 in one filter.',
    );
    const started = performance.now();
    const answered = await mock.api('GET', `accounts?$select=name&$filter=${encodeURIComponent(lambdas(50))}`);
    expect(answered.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('a nested $expand that would answer more than 50,000 related records is a 400 naming the bound, at once (repro 23)', async () => {
    await mock.reset();
    await mock.seed({ account: 1, contact: 2_500 });
    const path =
      'accounts?$select=name&$expand=contact_customer_accounts($select=fullname;$expand=parentcustomerid_account($select=name;$expand=contact_customer_accounts($select=fullname)))';
    const started = performance.now();
    const refused = await mock.api('GET', path);
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toContain(
      'The $expand would answer more than 50000 related records in one response',
    );
    expect(performance.now() - started).toBeLessThan(5_000);
    // One level down is well within it: 2,500 contacts of the one account.
    const one = await mock.api('GET', 'accounts?$select=name&$expand=contact_customer_accounts($select=fullname)');
    expect(one.json.value[0].contact_customer_accounts).toHaveLength(2_500);
  });

  it('a deep insert of more than 10,000 records is refused whole, naming the bound; the store is unchanged', async () => {
    await mock.reset();
    const children = (n: number): unknown[] => Array.from({ length: n }, (_, i) => ({ lastname: `C${i}` }));
    const refused = await mock.api('POST', 'accounts', {
      body: { name: 'big', contact_customer_accounts: children(10_000) },
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toContain('Deep insert creates more than 10000 records in one request');
    expect(mock.server.context.store.counts()).toMatchObject({ account: 0, contact: 0 });
    const fits = await mock.api('POST', 'accounts', {
      body: { name: 'ok', contact_customer_accounts: children(9_999) },
    });
    expect(fits.status).toBe(204);
    expect(mock.server.context.store.counts()).toMatchObject({ account: 1, contact: 9_999 });
  });
});

describe('a request head that never finishes (repro 30)', () => {
  it('is answered 408, which clients retry, not 400 "not valid HTTP"', async () => {
    const mock = await startMockServer({ port: 0, headersTimeoutMs: 300 });
    try {
      const socket = connect(mock.port, '127.0.0.1');
      let got = '';
      socket.setEncoding('utf8').on('data', (d: string) => (got += d));
      socket.write(`GET /api/data/v9.2/WhoAmI HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}`);
      await new Promise((resolve) => socket.on('close', resolve));
      expect(got.split(CRLF)[0]).toBe('HTTP/1.1 408 Request Timeout');
      expect(got).toContain('"message":"The request was not received in time."');
    } finally {
      await mock.close();
    }
  });
});

describe('mock resource limits (repros 03, 09, 16)', () => {
  it('a $batch whose answer grows past maxResponseBytes stops there with a 400 part, and the mock stays small', async () => {
    const server = await startMockServer({ port: 0, config: { maxResponseBytes: 2_000_000 } });
    try {
      const mock = await connectMock(server);
      await mock.seed({ account: 3000 });
      let body = '';
      for (let i = 0; i < 300; i++) body += part('GET', 'accounts');
      const res = await mock.api('POST', '$batch', {
        body: `${body}--b--${CRLF}`,
        headers: { 'content-type': 'multipart/mixed; boundary=b' },
      });
      expect(res.status).toBe(400);
      expect(res.text).toContain('The $batch response would exceed 2000000 bytes; the batch stopped here.');
      expect(res.text.length).toBeLessThan(6_000_000);
      expect((await mock.raw('GET', '/_mock/health')).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('seeding more than maxSeedRecords is refused at once with a clear 400; the mock stays responsive', async () => {
    const server = await startMockServer({ port: 0 });
    try {
      const mock = await connectMock(server);
      const started = Date.now();
      const res = await mock.raw('POST', '/_mock/seed', {
        body: JSON.stringify({ counts: { account: 2_000_000, contact: 2_000_000 } }),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(400);
      expect(res.json.error).toEqual({
        code: 'DVB_MOCK_SEED_TOO_LARGE',
        message: expect.stringContaining('4000000 records in all; at most 500000 per request'),
      });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(server.context.store.counts().account).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('request bodies in flight past maxBodyBytesInFlight get 503 + Retry-After, not unbounded memory', async () => {
    const server = await startMockServer({ port: 0, noAuth: true, config: { maxBodyBytesInFlight: 4 * 1024 * 1024 } });
    const sockets: Socket[] = [];
    try {
      // Eight uploads that each send 1 MB of a 2 MB body and pause: 8 MB would be held at once.
      const answers = await Promise.all(
        Array.from(
          { length: 8 },
          () =>
            new Promise<string>((resolve) => {
              const socket = connect(server.port, '127.0.0.1');
              sockets.push(socket);
              let text = '';
              socket.on('data', (d: Buffer) => {
                text += d.toString('latin1');
                if (text.includes('\r\n\r\n')) resolve(text);
              });
              socket.on('error', () => {
                resolve(text);
              });
              socket.write(
                `POST /api/data/v9.2/accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${2 * 1024 * 1024}\r\n\r\n`,
              );
              socket.write(Buffer.alloc(1024 * 1024, 0x20));
              setTimeout(() => {
                resolve(text);
              }, 1500);
            }),
        ),
      );
      const busy = answers.filter((a) => a.startsWith('HTTP/1.1 503'));
      expect(busy.length).toBeGreaterThan(0);
      expect(busy.length).toBeLessThan(8);
      expect(busy[0]).toMatch(/retry-after: 1/i);
      expect(busy[0]).toContain('Server Busy: too many request bodies');
      expect((await fetch(`${server.url}/_mock/health`)).status).toBe(200);
    } finally {
      for (const s of sockets) s.destroy();
      await server.close();
    }
  });
});

describe('the admin API answers only the harness (repro 15)', () => {
  const mock = useMockServer();

  it('refuses a foreign Host, a cross-site Origin and a text/plain body; accepts the harness', async () => {
    await mock.seed({ account: 3 });
    const reset = (headers: Record<string, string>, body?: string): Promise<{ status: number; json: any }> =>
      mock.raw('POST', '/_mock/reset', { headers, ...(body === undefined ? {} : { body }) });
    expect((await reset({ host: 'rebind.evil.example' })).status).toBe(403);
    expect((await reset({ origin: 'http://evil.example' })).status).toBe(403);
    const text = await reset({ 'content-type': 'text/plain;charset=UTF-8' }, 'x');
    expect(text.status).toBe(415);
    expect(text.json.error.code).toBe('DVB_MOCK_CONTENT_TYPE');
    expect(mock.server.context.store.counts().account).toBe(3);
    expect((await reset({ origin: 'http://127.0.0.1:3000' })).status).toBe(200);
    expect(mock.server.context.store.counts().account).toBe(0);
  });
  it('refuses Origin: null on the admin API, and a foreign Host on every route, token and Web API too (repro 22)', async () => {
    await mock.seed({ account: 3 });
    const opaque = await mock.raw('POST', '/_mock/reset', { headers: { origin: 'null' } });
    expect([opaque.status, opaque.json.error.code]).toEqual([403, 'DVB_MOCK_FORBIDDEN']);
    const token = await mock.raw('POST', '/t/oauth2/v2.0/token', {
      headers: { host: 'rebind.evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=page&client_secret=x&scope=x/.default',
    });
    expect(token.status).toBe(403);
    expect(token.json.error.message).toContain("not 'rebind.evil.example'");
    const write = await mock.api('POST', 'accounts', {
      body: { name: 'rebound' },
      headers: { host: 'rebind.evil.example' },
    });
    expect(write.status).toBe(403);
    expect(mock.server.context.store.counts().account).toBe(3);
    // The harness itself, by a loopback name, is served as before.
    expect((await mock.api('GET', 'accounts?$select=name')).json.value).toHaveLength(3);
  });
});

describe('token endpoint with a client list (repro 12)', () => {
  it('refuses a client_assertion it cannot verify, and its token is never issued', async () => {
    const server = await startMockServer({
      port: 0,
      config: { auth: { clients: [{ clientId: 'app-a', clientSecret: 'secret-a' }] } },
    });
    try {
      const form = (extra: Record<string, string>): string =>
        new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'app-a',
          scope: 'x/.default',
          ...extra,
        }).toString();
      const res = await request(`${server.url}/t/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form({ client_assertion: 'not-a-jwt' }),
      });
      const body = (await res.body.json()) as { error: string; error_codes: number[] };
      expect(res.statusCode).toBe(401);
      expect(body).toMatchObject({ error: 'invalid_client', error_codes: [700027] });
      const ok = await request(`${server.url}/t/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form({ client_secret: 'secret-a' }),
      });
      expect(ok.statusCode).toBe(200);
      await ok.body.dump();
    } finally {
      await server.close();
    }
  });
});

describe('the repro inputs leave the mock alive and under 1 GB (repros 03, 09)', () => {
  it('1000 × GET accounts of 5000 records in one $batch, then 2M + 2M records to seed: answered, alive, bounded', async () => {
    const child = spawn(process.execPath, [BIN, 'mock', '--port', '0', '--no-auth'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          const m = /listening on (\S+)/.exec(d);
          if (m?.[1] !== undefined) resolve(m[1]);
        });
        child.once('exit', () => {
          reject(new Error('the mock exited'));
        });
      });
      const json = { 'content-type': 'application/json' };
      expect(
        (
          await request(`${url}/_mock/seed`, {
            method: 'POST',
            headers: json,
            body: JSON.stringify({ counts: { account: 5000 } }),
          })
        ).statusCode,
      ).toBe(200);
      let body = '';
      for (let i = 0; i < 1000; i++) body += part('GET', 'accounts');
      const batch = await request(`${url}/api/data/v9.2/$batch`, {
        method: 'POST',
        headers: { 'content-type': 'multipart/mixed; boundary=b' },
        body: `${body}--b--${CRLF}`,
      });
      expect(batch.statusCode).toBe(400);
      await batch.body.dump();
      const seed = await request(`${url}/_mock/seed`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ counts: { account: 2_000_000, contact: 2_000_000 } }),
      });
      expect(seed.statusCode).toBe(400);
      await seed.body.dump();
      expect((await request(`${url}/_mock/health`)).statusCode).toBe(200);
      const peakKb = Number(/VmHWM:\s+(\d+)/.exec(await readFile(`/proc/${child.pid ?? 0}/status`, 'utf8'))?.[1]);
      expect(peakKb * 1024).toBeLessThan(1024 ** 3);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
