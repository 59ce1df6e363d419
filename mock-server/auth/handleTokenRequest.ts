import type { MockContext } from '../MockContext.js';
import { identityGuid } from './TokenIssuer.js';

export interface TokenEndpointResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** `/{tenant}/oauth2/token` (v1) and `/{tenant}/oauth2/v2.0/token` (v2), as Entra ID serves them. */
export const TOKEN_PATH = /^\/([A-Za-z0-9.-]+)\/oauth2\/(v2\.0\/)?token$/;

function entraError(status: number, error: string, code: number, description: string): TokenEndpointResponse {
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description}`,
      error_codes: [code],
      timestamp: new Date().toISOString().replace('T', ' ').replace('Z', 'Z'),
    },
  };
}

/**
 * Emulates Entra ID's token endpoint for the client_credentials and password grants. With no
 * clients (or users) configured any credentials are accepted; each identity gets its own
 * user id, since Dataverse keeps service protection limits per user.
 */
export function handleTokenRequest(form: URLSearchParams, v2: boolean, ctx: MockContext): TokenEndpointResponse {
  const grantType = form.get('grant_type');
  const clientId = form.get('client_id');
  if (grantType === null)
    return entraError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
  if (clientId === null || clientId === '') {
    return entraError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  }
  const audience = v2 ? form.get('scope') : form.get('resource');
  if (audience === null || audience === '') {
    const name = v2 ? 'scope' : 'resource';
    return entraError(
      400,
      'invalid_request',
      900144,
      `The request body must contain the following parameter: '${name}'.`,
    );
  }
  const { auth, organization } = ctx.config;
  let identity: string;
  if (grantType === 'client_credentials') {
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if ((secret === null || secret === '') && (assertion === null || assertion === '')) {
      return entraError(
        400,
        'invalid_client',
        7000216,
        "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
      );
    }
    if (auth.clients.length > 0) {
      const client = auth.clients.find((c) => c.clientId === clientId);
      if (client === undefined) {
        return entraError(
          400,
          'unauthorized_client',
          700016,
          `Application with identifier '${clientId}' was not found in the directory.`,
        );
      }
      // The mock holds no certificates, so it cannot verify an assertion: with a client list, only secrets prove who calls.
      if (assertion !== null && assertion !== '') {
        return entraError(
          401,
          'invalid_client',
          700027,
          `Client assertion failed signature validation: the dvbench mock cannot verify certificates; give '${clientId}' a clientSecret in auth.clients and sign in with it.`,
        );
      }
      if (client.clientSecret !== secret) {
        return entraError(
          401,
          'invalid_client',
          7000215,
          'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
        );
      }
    }
    if (v2 && !audience.split(' ').some((s) => s.endsWith('/.default'))) {
      return entraError(
        400,
        'invalid_scope',
        1002012,
        'The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).',
      );
    }
    identity = `app:${clientId}`;
  } else if (grantType === 'password') {
    const username = form.get('username') ?? '';
    const password = form.get('password') ?? '';
    if (username === '' || password === '') {
      return entraError(
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameters: 'username' and 'password'.",
      );
    }
    if (auth.users.length > 0) {
      const user = auth.users.find((u) => u.username.toLowerCase() === username.toLowerCase());
      if (user?.password !== password) {
        return entraError(
          400,
          'invalid_grant',
          50126,
          'Error validating credentials due to invalid username or password.',
        );
      }
    }
    identity = `user:${username.toLowerCase()}`;
  } else {
    return entraError(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grantType}'.`,
    );
  }
  const lifetime = auth.tokenLifetimeSeconds;
  const { token, expiresAt } = ctx.tokens.issue(identityGuid(identity, organization.organizationId), lifetime);
  if (v2) {
    return {
      status: 200,
      body: { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: token },
    };
  }
  // v1 answers numbers as strings.
  const nowSec = Math.floor(ctx.now() / 1000);
  return {
    status: 200,
    body: {
      token_type: 'Bearer',
      expires_in: String(lifetime),
      ext_expires_in: String(lifetime),
      expires_on: String(Math.floor(expiresAt / 1000)),
      not_before: String(nowSec),
      resource: audience,
      access_token: token,
    },
  };
}
