import { createHash, randomBytes } from 'node:crypto';

export interface TokenGrant {
  readonly userId: string;
  readonly expiresAt: number;
}

export type TokenCheck =
  { readonly ok: true; readonly userId: string } | { readonly ok: false; readonly reason: string };

/** A stable GUID for an identity key (`app:<clientId>`, `user:<name>`), so a user's id survives restarts. */
export function identityGuid(key: string, organizationId: string): string {
  const hex = createHash('sha1').update(`${organizationId}|${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Issues opaque bearer tokens and maps each to the user identity it was issued for, so
 * service protection limits can be kept per user. Expired tokens are dropped lazily.
 */
export class TokenIssuer {
  readonly #tokens = new Map<string, TokenGrant>();
  readonly #now: () => number;
  readonly #max: number;

  constructor(now: () => number, maxTokens = 100_000) {
    this.#now = now;
    this.#max = maxTokens;
  }

  issue(userId: string, lifetimeSeconds: number): { token: string; expiresAt: number } {
    const token = `dvmock.${randomBytes(24).toString('base64url')}`;
    const expiresAt = this.#now() + lifetimeSeconds * 1000;
    this.#tokens.set(token, { userId, expiresAt });
    if (this.#tokens.size % 1024 === 0) this.#purge();
    // A flood of sign-ins must not grow memory without bound: the oldest token goes (a Map keeps insertion order).
    while (this.#tokens.size > this.#max) {
      const oldest = this.#tokens.keys().next().value;
      if (oldest === undefined) break;
      this.#tokens.delete(oldest);
    }
    return { token, expiresAt };
  }

  check(authorization: string | undefined): TokenCheck {
    if (authorization === undefined || authorization === '') return { ok: false, reason: 'no Authorization header' };
    const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (m === null) return { ok: false, reason: 'the Authorization header is not a Bearer token' };
    const grant = this.#tokens.get(m[1] ?? '');
    if (grant === undefined) return { ok: false, reason: 'the bearer token is not valid' };
    if (grant.expiresAt <= this.#now()) return { ok: false, reason: 'the bearer token has expired' };
    return { ok: true, userId: grant.userId };
  }

  /** Expires every token at once (tests use it to force a renewal). */
  revokeAll(): void {
    this.#tokens.clear();
  }

  #purge(): void {
    const now = this.#now();
    for (const [token, grant] of this.#tokens) if (grant.expiresAt <= now) this.#tokens.delete(token);
  }
}
