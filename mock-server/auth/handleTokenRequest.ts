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

/** An identity (`app:…`, `user:…`), or the refusal Entra ID would send. */
type GrantOutcome = { readonly identity: string } | { readonly refusal: TokenEndpointResponse };

const missing = (what: string): TokenEndpointResponse =>
  entraError(400, 'invalid_request', 900144, `The request body must contain the following parameter: ${what}.`);

function checkClient(ctx: MockContext, clientId: string, secret: string | null, assertion: string | null) {
  const client = ctx.config.auth.clients.find((c) => c.clientId === clientId);
  if (client === undefined)
    return entraError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory.`,
    );
  // The mock holds no certificates, so it cannot verify an assertion: with a client list, only secrets prove who calls.
  if (assertion !== null && assertion !== '')
    return entraError(
      401,
      'invalid_client',
      700027,
      `Client assertion failed signature validation: the dvbench mock cannot verify ` +
        `certificates; give '${clientId}' a clientSecret in auth.clients and sign in with it.`,
    );
  if (client.clientSecret !== secret)
    return entraError(
      401,
      'invalid_client',
      7000215,
      'Invalid client secret provided. Ensure the secret being sent in the request is the ' +
        'client secret value, not the client secret ID.',
    );
  return undefined;
}

function clientCredentials(
  form: URLSearchParams,
  clientId: string,
  audience: string,
  v2: boolean,
  ctx: MockContext,
): GrantOutcome {
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  if ((secret === null || secret === '') && (assertion === null || assertion === ''))
    return {
      refusal: entraError(
        400,
        'invalid_client',
        7000216,
        "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
      ),
    };
  const refused = ctx.config.auth.clients.length > 0 ? checkClient(ctx, clientId, secret, assertion) : undefined;
  if (refused !== undefined) return { refusal: refused };
  if (v2 && !audience.split(' ').some((s) => s.endsWith('/.default')))
    return {
      refusal: entraError(
        400,
        'invalid_scope',
        1002012,
        'The provided value for scope is not valid. Client credential flows must have a scope ' +
          'value with /.default suffixed to the resource identifier (application ID URI).',
      ),
    };
  return { identity: `app:${clientId}` };
}

function password(form: URLSearchParams, ctx: MockContext): GrantOutcome {
  const username = form.get('username') ?? '';
  const secret = form.get('password') ?? '';
  if (username === '' || secret === '')
    return {
      refusal: entraError(
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameters: 'username' and 'password'.",
      ),
    };
  const { users } = ctx.config.auth;
  if (users.length > 0) {
    const user = users.find((u) => u.username.toLowerCase() === username.toLowerCase());
    if (user?.password !== secret)
      return {
        refusal: entraError(
          400,
          'invalid_grant',
          50126,
          'Error validating credentials due to invalid username or password.',
        ),
      };
  }
  return { identity: `user:${username.toLowerCase()}` };
}

/** The token answer; v1 answers numbers as strings and names the resource. */
function issued(ctx: MockContext, identity: string, audience: string, v2: boolean): TokenEndpointResponse {
  // Compressed with the rest of time, so a long run renews as often, in the org's time, as it would there.
  const lifetime = Math.max(1, Math.round(ctx.config.auth.tokenLifetimeSeconds / ctx.config.timeScale));
  const guid = identityGuid(identity, ctx.config.organization.organizationId);
  const { token, expiresAt } = ctx.tokens.issue(guid, lifetime);
  if (v2)
    return {
      status: 200,
      body: { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: token },
    };
  return {
    status: 200,
    body: {
      token_type: 'Bearer',
      expires_in: String(lifetime),
      ext_expires_in: String(lifetime),
      expires_on: String(Math.floor(expiresAt / 1000)),
      not_before: String(Math.floor(ctx.now() / 1000)),
      resource: audience,
      access_token: token,
    },
  };
}

const notABasicPair = (): TokenEndpointResponse =>
  entraError(401, 'invalid_client', 7000216, 'The Authorization header is not a Basic pair of client id and secret.');

/** `application/x-www-form-urlencoded` decoding of one component; undefined when it is not valid. */
function formDecoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * `client_secret_basic` (RFC 6749 §2.3.1): the client's id and secret, each form-encoded, in an
 * `Authorization: Basic` header instead of the body, as MSAL and other OAuth clients may send
 * them. Their values join the form; a header that is not such a pair, or that names another
 * client than the body, is refused. Entra ID's own wording for these refusals is not documented.
 */
export function withBasicCredentials(
  form: URLSearchParams,
  authorization: string | undefined,
): URLSearchParams | TokenEndpointResponse {
  if (authorization === undefined || !/^Basic\b/i.test(authorization)) return form;
  const encoded = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization)?.[1];
  const pair = encoded === undefined ? '' : Buffer.from(encoded, 'base64').toString('utf8');
  const colon = pair.indexOf(':');
  const clientId = formDecoded(pair.slice(0, colon));
  const secret = formDecoded(pair.slice(colon + 1));
  if (colon < 1 || clientId === undefined || clientId === '' || secret === undefined) return notABasicPair();
  const named = form.get('client_id');
  if (named !== null && named !== '' && named !== clientId)
    return entraError(
      401,
      'invalid_client',
      7000216,
      'The client_id in the body is not the one in the Authorization header.',
    );
  const merged = new URLSearchParams(form);
  merged.set('client_id', clientId);
  if ((merged.get('client_secret') ?? '') === '') merged.set('client_secret', secret);
  return merged;
}

/**
 * Emulates Entra ID's token endpoint for the client_credentials and password grants. With no
 * clients (or users) configured any credentials are accepted; each identity gets its own
 * user id, since Dataverse keeps service protection limits per user.
 */
export function handleTokenRequest(form: URLSearchParams, v2: boolean, ctx: MockContext): TokenEndpointResponse {
  const grantType = form.get('grant_type');
  const clientId = form.get('client_id');
  if (grantType === null) return missing("'grant_type'");
  if (clientId === null || clientId === '') return missing("'client_id'");
  const audience = v2 ? form.get('scope') : form.get('resource');
  if (audience === null || audience === '') return missing(v2 ? "'scope'" : "'resource'");
  let outcome: GrantOutcome;
  if (grantType === 'client_credentials') outcome = clientCredentials(form, clientId, audience, v2, ctx);
  else if (grantType === 'password') outcome = password(form, ctx);
  else
    return entraError(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grantType}'.`,
    );
  return 'refusal' in outcome ? outcome.refusal : issued(ctx, outcome.identity, audience, v2);
}
