import { describe, expect, it } from 'vitest';
import { startMockServer } from '../../mock-server/index.js';
import { connectMock, useMockServer } from '../helpers/useMockServer.js';

function form(fields: Record<string, string>): { body: string; headers: Record<string, string> } {
  return {
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}

describe('mock server: authentication', () => {
  const mock = useMockServer({
    config: {
      auth: {
        clients: [
          { clientId: 'test-app', clientSecret: 'test-secret' },
          { clientId: 'app-1', clientSecret: 's3cret' },
          { clientId: 'app-2', clientSecret: 'other' },
        ],
        users: [{ username: 'ann@contoso.com', password: 'pw' }],
      },
    },
  });

  it('rejects a call without a token with 401 and a Bearer challenge', async () => {
    const res = await mock.api('GET', 'WhoAmI', { token: null });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(
      /^Bearer authorization_uri=http:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]+\/oauth2\/authorize, resource_id=/,
    );
    expect(res.json.error.message).toContain('no Authorization header');
  });

  it('rejects an unknown token', async () => {
    expect((await mock.api('GET', 'WhoAmI', { token: 'forged' })).status).toBe(401);
  });

  it('issues v2 tokens for client_credentials with a /.default scope', async () => {
    const res = await mock.raw(
      'POST',
      '/any-tenant/oauth2/v2.0/token',
      form({
        grant_type: 'client_credentials',
        client_id: 'app-1',
        client_secret: 's3cret',
        scope: 'https://org.crm.dynamics.com/.default',
      }),
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    expect((await mock.api('GET', 'WhoAmI', { token: res.json.access_token })).status).toBe(200);
  });

  it('issues v1 tokens with resource, numbers as strings', async () => {
    const res = await mock.raw(
      'POST',
      '/common/oauth2/token',
      form({
        grant_type: 'client_credentials',
        client_id: 'app-1',
        client_secret: 's3cret',
        resource: 'https://org.crm.dynamics.com',
      }),
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      token_type: 'Bearer',
      expires_in: '3599',
      resource: 'https://org.crm.dynamics.com',
    });
    expect(res.json.expires_on).toMatch(/^\d+$/);
  });

  it('takes client_secret_basic: the client id and secret in an Authorization: Basic header', async () => {
    const basic = (id: string, secret: string): string =>
      `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
    const send = (authorization: string, fields: Record<string, string> = {}) => {
      const f = form({ grant_type: 'client_credentials', scope: 'https://org.crm.dynamics.com/.default', ...fields });
      return mock.raw('POST', '/t/oauth2/v2.0/token', { ...f, headers: { ...f.headers, authorization } });
    };
    const ok = await send(basic('app-1', 's3cret'));
    expect(ok.status).toBe(200);
    expect((await mock.api('GET', 'WhoAmI', { token: ok.json.access_token })).status).toBe(200);
    // The same client named in the body too is fine; another one is refused.
    expect((await send(basic('app-1', 's3cret'), { client_id: 'app-1' })).status).toBe(200);
    const other = await send(basic('app-1', 's3cret'), { client_id: 'app-2' });
    expect([other.status, other.json.error]).toEqual([401, 'invalid_client']);
    const wrong = await send(basic('app-1', 'WRONG-BASIC-SECRET'));
    expect([wrong.status, wrong.json.error_codes]).toEqual([401, [7000215]]);
    expect(wrong.text).not.toContain('WRONG-BASIC-SECRET');
    for (const malformed of ['Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`]) {
      const res = await send(malformed);
      expect([res.status, res.json.error]).toEqual([401, 'invalid_client']);
      expect(res.json.error_description).toContain('not a Basic pair');
    }
  });

  it('a wrong secret is invalid_client and never echoes the secret', async () => {
    const res = await mock.raw(
      'POST',
      '/t/oauth2/v2.0/token',
      form({
        grant_type: 'client_credentials',
        client_id: 'app-1',
        client_secret: 'WRONG-SECRET-VALUE',
        scope: 'x/.default',
      }),
    );
    expect(res.status).toBe(401);
    expect(res.json.error).toBe('invalid_client');
    expect(res.json.error_codes).toEqual([7000215]);
    expect(res.text).not.toContain('WRONG-SECRET-VALUE');
  });

  it.each([
    [
      { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x', scope: 'x/.default' },
      400,
      'unauthorized_client',
    ],
    [
      { grant_type: 'client_credentials', client_id: 'app-1', client_secret: 's3cret', scope: 'x/user_impersonation' },
      400,
      'invalid_scope',
    ],
    [{ grant_type: 'client_credentials', client_id: 'app-1', scope: 'x/.default' }, 400, 'invalid_client'],
    [{ grant_type: 'authorization_code', client_id: 'app-1', scope: 'x/.default' }, 400, 'unsupported_grant_type'],
    [{ client_id: 'app-1', scope: 'x/.default' }, 400, 'invalid_request'],
    [
      { grant_type: 'password', client_id: 'app-1', username: 'ann@contoso.com', password: 'bad', scope: 'x/.default' },
      400,
      'invalid_grant',
    ],
  ])('token request %j → %i %s', async (fields, status, error) => {
    const res = await mock.raw('POST', '/t/oauth2/v2.0/token', form(fields));
    expect(res.status).toBe(status);
    expect(res.json.error).toBe(error);
    expect(res.json.error_description).toMatch(/^AADSTS\d+: /);
  });

  it('maps each identity to its own user id, stable across tokens', async () => {
    const who = async (clientId: string, secret: string): Promise<string> => {
      const token = await mock.getToken(clientId, secret);
      return (await mock.api('GET', 'WhoAmI', { token })).json.UserId as string;
    };
    const a1 = await who('app-1', 's3cret');
    const a2 = await who('app-1', 's3cret');
    const b = await who('app-2', 'other');
    expect(a1).toBe(a2);
    expect(b).not.toBe(a1);
    const pw = await mock.raw(
      'POST',
      '/t/oauth2/token',
      form({ grant_type: 'password', client_id: 'app-1', username: 'Ann@Contoso.com', password: 'pw', resource: 'x' }),
    );
    expect(pw.status).toBe(200);
    const user = (await mock.api('GET', 'WhoAmI', { token: pw.json.access_token })).json.UserId as string;
    expect([a1, b]).not.toContain(user);
  });
});

describe('mock server: token expiry and --no-auth', () => {
  it('an expired token is 401; a fresh one works', async () => {
    let now = Date.now();
    const server = await startMockServer({ port: 0, now: () => now, config: { auth: { tokenLifetimeSeconds: 60 } } });
    try {
      const mock = await connectMock(server);
      expect((await mock.api('GET', 'WhoAmI')).status).toBe(200);
      now += 61_000;
      const expired = await mock.api('GET', 'WhoAmI');
      expect(expired.status).toBe(401);
      expect(expired.json.error.message).toContain('expired');
      expect((await mock.api('GET', 'WhoAmI', { token: await mock.getToken() })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('with noAuth, calls without a token succeed', async () => {
    const server = await startMockServer({ port: 0, noAuth: true });
    try {
      const mock = await connectMock(server);
      expect((await mock.api('GET', 'WhoAmI', { token: null })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
