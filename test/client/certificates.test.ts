import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataverseClient } from '../../src/client/DataverseClient.js';

// The test-only self-signed certificate of test/fixtures/tls (not a secret).
const TLS_DIR = new URL('../fixtures/tls/', import.meta.url);
const server = createServer(
  {
    cert: readFileSync(new URL('localhost-cert.pem', TLS_DIR)),
    key: readFileSync(new URL('localhost-key.pem', TLS_DIR)),
  },
  (_req, res) => res.end('{}'),
);
let connections = 0;
let requests = 0;
server.on('connection', () => connections++);
server.on('request', () => requests++);

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('an org whose TLS certificate Node does not trust', () => {
  it('is unreachable at the first attempt, with the fix named, and is not tried again', async () => {
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new DataverseClient({ url, retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    try {
      await expect(client.send('GET', 'WhoAmI')).rejects.toMatchObject({
        code: 'DVB_ERR_TARGET_UNREACHABLE',
        message: expect.stringMatching(/certificate is not trusted: self-signed certificate.*NODE_EXTRA_CA_CERTS/),
      });
      await expect(client.send('GET', 'accounts')).rejects.toMatchObject({ code: 'DVB_ERR_TARGET_UNREACHABLE' });
      expect(connections).toBe(1);
      expect(requests).toBe(0);
    } finally {
      await client.close();
    }
  });
});
