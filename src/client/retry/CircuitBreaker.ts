import { isCertificateFailure, isConnectFailure } from './RetryPolicy.js';

/** Calls in a row failing after their retries, past which a client stops retrying until a call succeeds. */
const FAILING_CALLS = 3;

/**
 * What a client has learnt of its target across calls. Two circuits: a target that cannot be
 * reached at all (`unreachableAfter` connect failures in a row, or a certificate Node refuses)
 * fails every later call at once; and after `FAILING_CALLS` calls in a row that failed even
 * after retrying, calls stop retrying 5xx and connection errors until one succeeds, so a failing
 * target is not hammered and a run that cannot succeed says so within seconds.
 */
export class CircuitBreaker {
  readonly #origin: string;
  readonly #unreachableAfter: number;
  #connectFailures = 0;
  #failedCalls = 0;
  #unreachable: string | undefined;

  constructor(origin: string, unreachableAfter: number) {
    this.#origin = origin;
    this.#unreachableAfter = unreachableAfter;
  }

  /** Why the target counts as unreachable, once it does. */
  get unreachable(): string | undefined {
    return this.#unreachable;
  }

  /** Calls should not retry errors: the last ones failed even after retrying. */
  get failing(): boolean {
    return this.#failedCalls >= FAILING_CALLS;
  }

  /** An attempt got no connection or no answer; returns why the target is now unreachable, if it is. */
  connectionFailed(error: unknown, reason: string): string | undefined {
    if (isCertificateFailure(error))
      this.#unreachable =
        `${this.#origin} cannot be reached: its TLS certificate is not trusted: ` +
        `${reason} (NODE_EXTRA_CA_CERTS=<file.pem> adds a CA that signs it)`;
    else if (isConnectFailure(error) && ++this.#connectFailures >= this.#unreachableAfter)
      this.#unreachable =
        `${this.#origin} cannot be reached: ${reason} (${this.#connectFailures} attempts in a row ` +
        `could not connect)`;
    return this.#unreachable;
  }

  /** An attempt got an answer: the target is there. */
  answered(): void {
    this.#connectFailures = 0;
  }

  /** A call ended: failed (no answer, or a 5xx after its retries) or not. */
  callEnded(failed: boolean): void {
    this.#failedCalls = failed ? this.#failedCalls + 1 : 0;
  }
}
