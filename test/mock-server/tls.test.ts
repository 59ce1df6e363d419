import { X509Certificate } from 'node:crypto';
import { request, Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate, startMockServer, type RunningMockServer } from '../../mock-server/index.js';

describe('selfSignedCertificate: an authority and a server certificate, from node:crypto alone', () => {
  it('signs a server certificate for the hosts given, which its authority verifies', () => {
    const c = selfSignedCertificate(['localhost', '127.0.0.1', '::1', '10.1.2.3']);
    const ca = new X509Certificate(c.caPem);
    const leaf = new X509Certificate(c.certPem);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:10.1.2.3',
    );
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkIP('10.1.2.3')).toBe('10.1.2.3');
    const days = (Date.parse(leaf.validTo) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29);
    expect(days).toBeLessThan(31);
    expect(c.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('makes certificates a DER parser reads every time (a zero first serial byte once broke 1 in 128)', () => {
    for (let i = 0; i < 400; i++) {
      const c = selfSignedCertificate(['127.0.0.1']);
      expect(new X509Certificate(c.certPem).checkIssued(new X509Certificate(c.caPem))).toBe(true);
    }
  });
});

describe('the mock over TLS answers discovery as Entra ID does, from its own origin', () => {
  const certs = selfSignedCertificate(['127.0.0.1']);
  const dispatcher = new Agent({ connect: { ca: certs.caPem } });
  let mock: RunningMockServer;
  beforeAll(async () => {
    mock = await startMockServer({ tls: { key: certs.keyPem, cert: certs.certPem } });
  });
  afterAll(async () => {
    await mock.close();
    await dispatcher.close();
  });

  const get = async (path: string) => {
    const res = await request(`${mock.url}${path}`, { dispatcher });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  };

  it('the OpenID configuration points at its own v2.0 token endpoint, over https', async () => {
    expect(mock.url).toMatch(/^https:/);
    const { status, body } = await get('/contoso/v2.0/.well-known/openid-configuration');
    expect(status).toBe(200);
    expect(body.token_endpoint).toBe(`${mock.url}/contoso/oauth2/v2.0/token`);
    expect(body.issuer).toBe(`${mock.url}/contoso/v2.0`);
    expect((await get('/contoso/discovery/v2.0/keys')).body).toEqual({ keys: [] });
  });

  it('instance discovery names the tenant discovery endpoint; without an authorize URL it is a 400', async () => {
    const authorize = encodeURIComponent(`${mock.url}/contoso/oauth2/v2.0/authorize`);
    const found = await get(`/common/discovery/instance?api-version=1.1&authorization_endpoint=${authorize}`);
    expect(found.status).toBe(200);
    expect(found.body.tenant_discovery_endpoint).toBe(`${mock.url}/contoso/v2.0/.well-known/openid-configuration`);
    const missing = await get('/common/discovery/instance?api-version=1.1');
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
  });

  it("the Web API's links use the request's scheme (@odata.context, nextLink)", async () => {
    const seeded = await request(`${mock.url}/_mock/seed`, {
      dispatcher,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seed: 1, counts: { account: 3 } }),
    });
    expect(seeded.statusCode).toBe(200);
    await seeded.body.dump();
    const token = await request(`${mock.url}/contoso/oauth2/v2.0/token`, {
      dispatcher,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=a&client_secret=b&scope=${encodeURIComponent(`${mock.url}/.default`)}`,
    });
    const { access_token: accessToken } = (await token.body.json()) as { access_token: string };
    const res = await request(`${mock.url}/api/data/v9.2/accounts?$select=name`, {
      dispatcher,
      headers: { authorization: `Bearer ${accessToken}`, prefer: 'odata.maxpagesize=1' },
    });
    const body = (await res.body.json()) as Record<string, string>;
    expect(res.statusCode).toBe(200);
    expect(body['@odata.context']).toMatch(new RegExp(`^${mock.url}/api/data/v9.2/\\$metadata#accounts`));
    expect(body['@odata.nextLink']).toMatch(new RegExp(`^${mock.url}/api/data/v9.2/accounts`));
  });
});
