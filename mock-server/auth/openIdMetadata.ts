/** `/{tenant}/v2.0/.well-known/openid-configuration`: where MSAL and azure-identity learn the token endpoint. */
export const OPENID_CONFIGURATION_PATH = /^\/([A-Za-z0-9.-]+)\/v2\.0\/\.well-known\/openid-configuration$/;
/** Entra ID's instance discovery, which MSAL asks before it trusts an authority host. */
export const INSTANCE_DISCOVERY_PATH = '/common/discovery/instance';
/** The tenant's signing keys; the mock's tokens are not signed, so there are none. */
export const KEYS_PATH = /^\/([A-Za-z0-9.-]+)\/discovery\/v2\.0\/keys$/;

export interface OpenIdAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * An OpenID Connect discovery document in Entra ID's v2.0 shape, pointing at the mock's own
 * token endpoint: with it, MSAL for Node and Python and azure-identity sign in against the mock
 * as against login.microsoftonline.com, the authority host changed and nothing else.
 */
export function openIdConfiguration(origin: string, tenant: string): OpenIdAnswer {
  const base = `${origin}/${tenant}`;
  return {
    status: 200,
    body: {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${origin}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'oid', 'appid'],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: null,
      cloud_instance_name: new URL(origin).host,
      cloud_graph_host_name: new URL(origin).host,
      msgraph_host: new URL(origin).host,
      rbac_url: origin,
    },
  };
}

/**
 * Instance discovery as Entra ID answers it for a host it knows: the tenant's discovery document
 * and the host as its own only alias. The tenant comes from the `authorization_endpoint` the
 * client asks about; without one, a 400 in Entra ID's error shape.
 */
export function instanceDiscovery(origin: string, query: URLSearchParams): OpenIdAnswer {
  const endpoint = query.get('authorization_endpoint');
  const tenant = endpoint === null ? undefined : /^https?:\/\/[^/]+\/([A-Za-z0-9.-]+)\//.exec(endpoint)?.[1];
  if (tenant === undefined)
    return {
      status: 400,
      body: {
        error: 'invalid_request',
        error_description:
          "AADSTS90011: Request parameter 'authorization_endpoint' is missing or not an authorize URL " +
          '(https://host/{tenant}/oauth2/v2.0/authorize).',
      },
    };
  const host = new URL(origin).host;
  return {
    status: 200,
    body: {
      tenant_discovery_endpoint: `${origin}/${tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    },
  };
}
