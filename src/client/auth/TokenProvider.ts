/** Something that can produce a bearer token for one identity. */
export interface TokenSource {
  /** A human-readable name for messages (never a secret), e.g. "client secret for app 1234…". */
  readonly description: string;
  acquire(): Promise<{ readonly token: string; readonly expiresOn: number }>;
}

/** What the HTTP client asks for a token; `invalidate` after a 401 forces a fresh one. */
export interface TokenProvider {
  readonly description: string;
  getToken(): Promise<string>;
  /** The token `getToken` would resolve to at once, when one is cached and fresh; else undefined. */
  cachedToken?(): string | undefined;
  invalidate(): void;
  /** How many tokens were fetched from the source (for tests and counters). */
  readonly acquisitions: number;
}
