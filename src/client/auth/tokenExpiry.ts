/**
 * When a bearer token stops being valid, from its `exp` claim (a JWT's payload, base64url
 * JSON), in ms since the epoch; undefined for a token that is not a JWT or has no `exp`.
 * The token is only read here, never logged.
 */
export function tokenExpiresAt(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined || payload === '') return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

const RENEW =
  "Get a fresh one (e.g. 'az account get-access-token --resource <org URL>'), or sign in with " +
  'an app registration (DVBENCH_AUTH=client-secret with AZURE_TENANT_ID, AZURE_CLIENT_ID and ' +
  'AZURE_CLIENT_SECRET), whose tokens dvbench renews';

function span(ms: number): string {
  const s = Math.abs(ms) / 1000;
  return s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${(s / 60).toFixed(0)} min` : `${(s / 3600).toFixed(1)} h`;
}

/**
 * A static token checked against the run it has to last: expired → the reason to refuse (the
 * target would answer 401 to everything); expiring before the estimated end → a warning.
 */
export function checkTokenLifetime(
  token: string,
  estimatedMs: number,
  now = Date.now(),
): { expired: string } | { warning: string } | undefined {
  const at = tokenExpiresAt(token);
  if (at === undefined) return undefined;
  if (at <= now) return { expired: `DATAVERSE_TOKEN expired ${span(now - at)} ago. ${RENEW}.` };
  if (at - now < estimatedMs)
    return {
      warning:
        `DATAVERSE_TOKEN expires in ` +
        `${span(at - now)}, and the run is estimated at about ${span(estimatedMs)}: past that every ` +
        `request fails with 401. ${RENEW}.`,
    };
  return undefined;
}
