import { request } from 'undici';
import { registerSecret } from './redact.js';
import { tokenExpiresAt } from './tokenExpiry.js';
import type { TokenSource } from './TokenProvider.js';

/** A token given as is (e.g. `DATAVERSE_TOKEN` from `az account get-access-token`); it cannot be renewed. */
export function staticTokenSource(token: string, lifetimeMs = 3_600_000): TokenSource {
  registerSecret(token);
  // Its own `exp` when it has one: the provider then knows when it stops working.
  const expiresOn = tokenExpiresAt(token);
  return {
    description: 'static token',
    acquire: () => Promise.resolve({ token, expiresOn: expiresOn ?? Date.now() + lifetimeMs }),
  };
}

/**
 * The mock's own Entra-like endpoint (client credentials over plain http on loopback, which
 * MSAL refuses: it requires an https authority).
 */
export function mockTokenSource(origin: string, clientId: string, clientSecret: string): TokenSource {
  registerSecret(clientSecret);
  return {
    description: `mock token endpoint for ${clientId}`,
    acquire: async () => {
      const res = await request(`${origin}/dvbench/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
          scope: `${origin}/.default`,
        }).toString(),
      });
      const body = (await res.body.json()) as {
        access_token?: string;
        expires_in?: number;
        error?: string;
        error_description?: string;
      };
      if (res.statusCode !== 200 || body.access_token === undefined) {
        throw new Error(`${body.error ?? `HTTP ${res.statusCode}`}: ${body.error_description ?? 'no token'}`);
      }
      return { token: body.access_token, expiresOn: Date.now() + (body.expires_in ?? 3599) * 1000 };
    },
  };
}
