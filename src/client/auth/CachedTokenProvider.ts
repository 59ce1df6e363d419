import { errorCatalogue } from '../../errors/errorCatalogue.js';
import { redact, registerSecret } from './redact.js';
import type { TokenProvider, TokenSource } from './TokenProvider.js';

/**
 * Caches a token in memory and renews it `renewBeforeMs` before it expires, so long runs never
 * send an expired one; concurrent callers share one in-flight renewal.
 */
export class CachedTokenProvider implements TokenProvider {
  readonly #source: TokenSource;
  readonly #renewBeforeMs: number;
  readonly #now: () => number;
  #current: { token: string; expiresOn: number } | undefined;
  #pending: Promise<string> | undefined;
  #acquisitions = 0;

  constructor(source: TokenSource, options: { renewBeforeMs?: number; now?: () => number } = {}) {
    this.#source = source;
    this.#renewBeforeMs = options.renewBeforeMs ?? 300_000;
    this.#now = options.now ?? Date.now;
  }

  get description(): string {
    return this.#source.description;
  }

  get acquisitions(): number {
    return this.#acquisitions;
  }

  cachedToken(): string | undefined {
    const current = this.#current;
    return current !== undefined && current.expiresOn - this.#renewBeforeMs > this.#now() ? current.token : undefined;
  }

  getToken(): Promise<string> {
    const cached = this.cachedToken();
    if (cached !== undefined) return Promise.resolve(cached);
    this.#pending ??= this.#renew().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  invalidate(): void {
    this.#current = undefined;
  }

  async #renew(): Promise<string> {
    try {
      const fresh = await this.#source.acquire();
      registerSecret(fresh.token);
      this.#acquisitions++;
      this.#current = fresh;
      return fresh.token;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw errorCatalogue.DVB_ERR_AUTH(`authentication failed (${this.#source.description}): ${redact(message)}`);
    }
  }
}
