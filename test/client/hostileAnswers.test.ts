import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DataverseClient } from '../../src/client/DataverseClient.js';

describe('a Retry-After longer than the call can wait (repro 19)', () => {
  it('ends the call at once with the 429, naming the wait, instead of holding the identity for a day', async () => {
    let requests = 0;
    const server = createServer((req, res) => {
      requests++;
      req.resume();
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '86400' });
      res.end(JSON.stringify({ error: { code: '0x80072322', message: 'Number of requests exceeded the limit.' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new DataverseClient({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      retry: { maxTotalMs: 20_000 },
    });
    try {
      const started = performance.now();
      const result = await client.send('GET', 'WhoAmI');
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(result.status).toBe(429);
      expect(requests).toBe(1);
      expect(result.error?.message).toMatch(
        /^Number of requests exceeded the limit\. \(Retry-After 86400 s is longer than the (19|20) s left of the call's time budget \(maxTotalMs 20000 ms\)\)$/,
      );
      expect(client.counters.throttledByCode['0x80072322']).toBe(1);
    } finally {
      await client.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('a response larger than the client reads (repro 25)', () => {
  it('fails the call at once with DVB_ERR_REQUEST_FAILED naming the limit; the client goes on', async () => {
    let requests = 0;
    const server = createServer((req, res) => {
      requests++;
      req.resume();
      if (req.url?.endsWith('WhoAmI') === true) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"UserId":"u"}');
        return;
      }
      // Chunked, so no Content-Length gives it away before the bytes come.
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < 64; i++) res.write(Buffer.alloc(64 * 1024, 0x20));
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new DataverseClient({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      maxResponseBytes: 1024 * 1024,
    });
    try {
      await expect(client.send('GET', 'accounts')).rejects.toMatchObject({
        code: 'DVB_ERR_REQUEST_FAILED',
        message: expect.stringContaining(
          "the response body is larger than 1048576 bytes, the client's limit",
        ) as unknown,
      });
      expect(requests).toBe(1);
      expect((await client.send('GET', 'WhoAmI')).status).toBe(200);
    } finally {
      await client.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
