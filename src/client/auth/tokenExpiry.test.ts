import { describe, expect, it } from 'vitest';
import { checkTokenLifetime, tokenExpiresAt } from './tokenExpiry.js';

const jwt = (claims: object): string =>
  `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('a static token against the run it must last', () => {
  const now = Date.UTC(2026, 11, 3, 12, 0, 0);

  it("reads a JWT's exp; a token that is not one has no known expiry", () => {
    expect(tokenExpiresAt(jwt({ exp: now / 1000 + 60 }))).toBe(now + 60_000);
    expect(tokenExpiresAt('not-a-jwt')).toBeUndefined();
    expect(tokenExpiresAt('a.%%%.c')).toBeUndefined();
    expect(checkTokenLifetime('opaque', 10_000, now)).toBeUndefined();
  });

  it('an expired token is refused with the way to a fresh one; one that ends before the run is warned about', () => {
    const expired = checkTokenLifetime(jwt({ exp: now / 1000 - 180 }), 1_000, now);
    expect(expired).toEqual({
      expired: expect.stringMatching(/^DATAVERSE_TOKEN expired 3 min ago\. Get a fresh one/) as unknown,
    });
    const short = checkTokenLifetime(jwt({ exp: now / 1000 + 15 }), 240_000, now);
    expect(short).toEqual({
      warning: expect.stringMatching(
        /^DATAVERSE_TOKEN expires in 15 s, and the run is estimated at about 4 min/,
      ) as unknown,
    });
    expect(checkTokenLifetime(jwt({ exp: now / 1000 + 3600 }), 240_000, now)).toBeUndefined();
  });
});
