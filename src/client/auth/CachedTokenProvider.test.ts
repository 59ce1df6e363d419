import { describe, expect, it } from 'vitest';
import { CachedTokenProvider } from './CachedTokenProvider.js';

describe('CachedTokenProvider.cachedToken', () => {
  it('is the fresh cached token, undefined before the first fetch, near expiry and after invalidate', async () => {
    let now = 1_000_000;
    let issued = 0;
    const tokens = new CachedTokenProvider(
      { description: 'test', acquire: () => Promise.resolve({ token: `t${++issued}`, expiresOn: now + 600_000 }) },
      { renewBeforeMs: 300_000, now: () => now },
    );
    expect(tokens.cachedToken()).toBeUndefined();
    expect(await tokens.getToken()).toBe('t1');
    expect(tokens.cachedToken()).toBe('t1');
    now += 300_001; // inside the renewal margin: the cached token no longer counts as fresh
    expect(tokens.cachedToken()).toBeUndefined();
    expect(await tokens.getToken()).toBe('t2');
    tokens.invalidate();
    expect(tokens.cachedToken()).toBeUndefined();
    expect(tokens.acquisitions).toBe(2);
  });
});
