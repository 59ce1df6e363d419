import type { DataverseClientOptions } from './ClientOptions.js';
import { defaultRetryPolicy } from './retry/RetryPolicy.js';

/** The attempt timeout a client has by default, in ms (see `DataverseClientOptions.timeoutMs`). */
export const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * A client's own clock on a mock whose time runs `timeScale` times faster than the org's: its
 * backoff steps, retry budgets and attempt timeout shrink with it, so a compressed run retries
 * and gives up when the same run on the org would. Nothing changes at 1 (and never on an org).
 */
export function compressedClientTimes(
  timeScale: number,
): Pick<DataverseClientOptions, 'retry' | 'timeoutMs' | 'timeScale'> {
  if (timeScale === 1) return {};
  const p = defaultRetryPolicy;
  return {
    timeScale,
    timeoutMs: DEFAULT_TIMEOUT_MS / timeScale,
    retry: {
      baseDelayMs: p.baseDelayMs / timeScale,
      maxDelayMs: p.maxDelayMs / timeScale,
      maxErrorMs: p.maxErrorMs / timeScale,
      maxTotalMs: p.maxTotalMs / timeScale,
    },
  };
}
