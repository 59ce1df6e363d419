import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CachedTokenProvider } from '../../src/client/auth/CachedTokenProvider.js';
import { createOrgTokenProviders } from '../../src/client/auth/createTokenProviders.js';
import { clientCertificateSource, clientSecretSource, type MsalCommon } from '../../src/client/auth/msalSources.js';
import { redact } from '../../src/client/auth/redact.js';
import { DvbenchError } from '../../src/errors/DvbenchError.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

const TENANT = '11111111-2222-3333-4444-555555555555';
const HOST = 'https://login.microsoftonline.com';
const TOKEN_URL = `${HOST}/${TENANT}/oauth2/v2.0/token`;
// Given to MSAL so it skips instance and OpenID discovery: only the token POST goes out.
const authorityMetadata = JSON.stringify({
  token_endpoint: TOKEN_URL,
  authorization_endpoint: `${HOST}/${TENANT}/oauth2/v2.0/authorize`,
  issuer: `${HOST}/${TENANT}/v2.0`,
  jwks_uri: `${HOST}/${TENANT}/discovery/v2.0/keys`,
  device_authorization_endpoint: `${HOST}/${TENANT}/oauth2/v2.0/devicecode`,
  end_session_endpoint: `${HOST}/${TENANT}/oauth2/v2.0/logout`,
});
const common: MsalCommon = {
  tenantId: TENANT,
  clientId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  orgUrl: 'https://contoso.crm.dynamics.com',
  authorityMetadata,
};
const SECRET = 'Sup3r-Secret-Value~xyz';

let tokenRequests: URLSearchParams[] = [];
let expiresIn = 3599;
let issued = 0;

const server = setupServer(
  http.post(TOKEN_URL, async ({ request }) => {
    const form = new URLSearchParams(await request.text());
    tokenRequests.push(form);
    if (
      form.get('grant_type') === 'client_credentials' &&
      form.get('client_secret') !== null &&
      form.get('client_secret') !== SECRET
    ) {
      return HttpResponse.json(
        {
          error: 'invalid_client',
          error_description:
            'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
          error_codes: [7000215],
        },
        { status: 401 },
      );
    }
    issued++;
    return HttpResponse.json({
      token_type: 'Bearer',
      expires_in: expiresIn,
      ext_expires_in: expiresIn,
      access_token: `eyJ0eXAi.fake-access-token-${issued}.sig`,
    });
  }),
);

beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' });
});
afterEach(() => {
  server.resetHandlers();
  tokenRequests = [];
  expiresIn = 3599;
});
afterAll(() => {
  server.close();
});

describe('MSAL client credentials (Entra ID intercepted with msw, no network)', () => {
  it('acquires a token for <org>/.default and serves it from the cache afterwards', async () => {
    const provider = new CachedTokenProvider(clientSecretSource(common, SECRET));
    const [a, b] = await Promise.all([provider.getToken(), provider.getToken()]);
    const c = await provider.getToken();
    expect(a).toMatch(/^eyJ0eXAi\.fake-access-token-\d+\.sig$/);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]!.get('scope')).toContain('https://contoso.crm.dynamics.com/.default');
    expect(tokenRequests[0]!.get('client_id')).toBe(common.clientId);
    expect(provider.acquisitions).toBe(1);
  });

  it('renews a token that is about to expire during a long run', async () => {
    // Renewal starts 300 s before expiry (MSAL's and ours), so 302 s leaves 2 s of validity.
    expiresIn = 302;
    const provider = new CachedTokenProvider(clientSecretSource(common, SECRET));
    const first = await provider.getToken();
    expect(await provider.getToken()).toBe(first);
    await sleep(2500);
    const second = await provider.getToken();
    expect(second).not.toBe(first);
    expect(tokenRequests).toHaveLength(2);
  });

  it('a wrong secret gives a clear error naming the app and the Entra code, never the secret', async () => {
    const wrong = 'Wrong-Secret-Value~123';
    const provider = new CachedTokenProvider(clientSecretSource(common, wrong));
    const error = await provider.getToken().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DvbenchError);
    const message = (error as DvbenchError).message;
    expect((error as DvbenchError).code).toBe('DVB_ERR_AUTH');
    expect(message).toContain('authentication failed (client secret for app aaaaaaaa…)');
    expect(message).toContain('AADSTS7000215');
    expect(message).not.toContain(wrong);
    expect(JSON.stringify(error)).not.toContain(wrong);
  });

  it('creates one provider per identity from a target spec', async () => {
    const providers = await createOrgTokenProviders(
      common.orgUrl,
      [
        { method: 'client-secret', tenantId: TENANT, clientId: common.clientId, clientSecret: SECRET },
        { method: 'token', token: 'static-token-value-1234' },
      ],
      { authorityMetadata },
    );
    expect(providers.map((p) => p.description)).toEqual(['client secret for app aaaaaaaa…', 'static token']);
    expect(await providers[1]!.getToken()).toBe('static-token-value-1234');
    expect(await providers[0]!.getToken()).toMatch(/fake-access-token/);
  });
});

describe('MSAL client credentials with a certificate', () => {
  let pemPath: string | undefined;
  beforeAll(async () => {
    try {
      const dir = await tempDir('dvbench-cert-');
      pemPath = join(dir, 'app.pem');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=dvbench-test',
        ],
        { stdio: 'ignore' },
      );
      const { readFile } = await import('node:fs/promises');
      await writeFile(
        pemPath,
        `${await readFile(join(dir, 'key.pem'), 'utf8')}${await readFile(join(dir, 'cert.pem'), 'utf8')}`,
      );
    } catch {
      pemPath = undefined;
    }
  });

  it('signs a client assertion with the certificate and sends it instead of a secret', async (ctx) => {
    if (pemPath === undefined) {
      ctx.skip();
      return;
    }
    const provider = new CachedTokenProvider(await clientCertificateSource(common, pemPath));
    expect(await provider.getToken()).toMatch(/fake-access-token/);
    const form = tokenRequests[0]!;
    expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(form.get('client_assertion')!.split('.')).toHaveLength(3);
    expect(form.get('client_secret')).toBeNull();
  });
});

describe('redact', () => {
  it('masks registered secrets and anything shaped like a bearer token or access_token field', () => {
    clientSecretSource(common, 'another-registered-secret');
    expect(redact('secret another-registered-secret here')).toBe('secret *** here');
    expect(redact('Authorization: Bearer abcdefghijklmnopqrstuvwxyz.123')).toBe('Authorization: Bearer ***');
    expect(redact('{"access_token":"xyzxyzxyzxyz"}')).toBe('{"access_token":"***"}');
  });
});
