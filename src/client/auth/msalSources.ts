import { errorCatalogue } from '../../errors/errorCatalogue.js';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  ConfidentialClientApplication,
  PublicClientApplication,
  type AuthenticationResult,
  type Configuration,
} from '@azure/msal-node';
import { registerSecret } from './redact.js';
import type { TokenSource } from './TokenProvider.js';

export interface MsalCommon {
  readonly tenantId: string;
  readonly clientId: string;
  /** The org's URL, e.g. `https://contoso.crm.dynamics.com`; the scope is derived from it. */
  readonly orgUrl: string;
  /** Default `https://login.microsoftonline.com`. */
  readonly authorityHost?: string | undefined;
  /**
   * OpenID metadata as a JSON string: skips MSAL's discovery requests (tests, sovereign or
   * locked-down networks).
   */
  readonly authorityMetadata?: string | undefined;
}

function configuration(common: MsalCommon): Configuration {
  const host = (common.authorityHost ?? 'https://login.microsoftonline.com').replace(/\/$/, '');
  return {
    auth: {
      clientId: common.clientId,
      authority: `${host}/${common.tenantId}`,
      // The host the user named is trusted as named: MSAL asks it for its OpenID configuration
      // and skips instance discovery at login.microsoftonline.com, which an authority MSAL does
      // not know (`dvbench mock --tls`, a private cloud) would fail and a locked-down network
      // cannot reach.
      knownAuthorities: [new URL(host).host],
      ...(common.authorityMetadata === undefined ? {} : { authorityMetadata: common.authorityMetadata }),
    },
    // MSAL's own logging is off: its messages may carry request details.
    system: { loggerOptions: { piiLoggingEnabled: false, loggerCallback: () => undefined } },
  };
}

function scopeFor(orgUrl: string, suffix: '.default' | 'user_impersonation'): string[] {
  return [`${orgUrl.replace(/\/$/, '')}/${suffix}`];
}

// `skipCache`: CachedTokenProvider decides when to renew; MSAL's own cache would hand back the old token.
function unwrap(result: AuthenticationResult | null): { token: string; expiresOn: number } {
  if (result === null) throw new Error('the identity platform returned no token');
  return { token: result.accessToken, expiresOn: result.expiresOn?.getTime() ?? Date.now() + 3_000_000 };
}

function shortId(clientId: string): string {
  return `${clientId.slice(0, 8)}…`;
}

/** Client credentials with a secret (application user): the usual choice for CI. */
export function clientSecretSource(common: MsalCommon, clientSecret: string): TokenSource {
  registerSecret(clientSecret);
  const app = new ConfidentialClientApplication({
    ...configuration(common),
    auth: { ...configuration(common).auth, clientSecret },
  });
  return {
    description: `client secret for app ${shortId(common.clientId)}`,
    acquire: async () =>
      unwrap(
        await app.acquireTokenByClientCredential({ scopes: scopeFor(common.orgUrl, '.default'), skipCache: true }),
      ),
  };
}

/** Client credentials with a certificate: a PEM file holding the private key and the certificate. */
export async function clientCertificateSource(common: MsalCommon, pemPath: string): Promise<TokenSource> {
  const pem = await readFile(pemPath, 'utf8').catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw errorCatalogue.DVB_ERR_TARGET_CONFIG(`the client certificate ${pemPath} cannot be read (${code})`);
  });
  const certText = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  if (certText === undefined)
    throw errorCatalogue.DVB_ERR_TARGET_CONFIG(`${pemPath} holds no certificate (-----BEGIN CERTIFICATE-----)`);
  let privateKey: string;
  try {
    privateKey = createPrivateKey(pem).export({ format: 'pem', type: 'pkcs8' }).toString();
  } catch {
    throw errorCatalogue.DVB_ERR_TARGET_CONFIG(
      `${pemPath} holds no private key for its certificate (-----BEGIN PRIVATE KEY-----)`,
    );
  }
  registerSecret(privateKey);
  const cert = new X509Certificate(certText);
  const thumbprintSha256 = createHash('sha256').update(cert.raw).digest('hex');
  const app = new ConfidentialClientApplication({
    ...configuration(common),
    auth: { ...configuration(common).auth, clientCertificate: { thumbprintSha256, privateKey, x5c: certText } },
  });
  return {
    description: `certificate ${thumbprintSha256.slice(0, 8)}… for app ${shortId(common.clientId)}`,
    acquire: async () =>
      unwrap(
        await app.acquireTokenByClientCredential({ scopes: scopeFor(common.orgUrl, '.default'), skipCache: true }),
      ),
  };
}

/** Device code: prints the code and URL for a person to sign in. */
export function deviceCodeSource(common: MsalCommon, print: (message: string) => void): TokenSource {
  const app = new PublicClientApplication(configuration(common));
  return {
    description: `device code sign-in for app ${shortId(common.clientId)}`,
    acquire: async () =>
      unwrap(
        await app.acquireTokenByDeviceCode({
          scopes: scopeFor(common.orgUrl, 'user_impersonation'),
          deviceCodeCallback: (r) => {
            print(r.message);
          },
        }),
      ),
  };
}

/**
 * Username and password (ROPC): only for parity with the paper dvbench came from. The OAuth
 * security best practice forbids it, it fails with MFA, and Entra ID is retiring it.
 */
export function usernamePasswordSource(common: MsalCommon, username: string, password: string): TokenSource {
  registerSecret(password);
  const app = new PublicClientApplication(configuration(common));
  return {
    description: `username/password for ${username}`,
    acquire: async () =>
      unwrap(
        // Kept on purpose, for parity with the paper; documented as discouraged.
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        await app.acquireTokenByUsernamePassword({
          scopes: scopeFor(common.orgUrl, 'user_impersonation'),
          username,
          password,
        }),
      ),
  };
}
