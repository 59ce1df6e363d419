import type { FailureInput } from '../metrics/MeasurementSink.js';
import { isFatalCause } from '../metrics/isFatalCause.js';

export interface Abort {
  readonly reason: string;
  /** The target itself is gone or refuses us: stop the whole run. */
  readonly fatal: boolean;
}

/**
 * Watches a strategy's outcomes as they come and stops it early, with the reason, instead of
 * letting a broken run grind on: when its first `firstFailures` operations all failed (a bad
 * filter, a missing column, a refused sign-in), or at once when the target is unreachable or
 * authentication is refused.
 */
export class FailureMonitor {
  readonly #firstFailures: number;
  readonly #abort: (abort: Abort) => void;
  #ok = 0;
  #failed = 0;
  #aborted: Abort | undefined;
  #first: FailureInput | undefined;

  constructor(firstFailures: number, abort: (abort: Abort) => void) {
    this.#firstFailures = firstFailures;
    this.#abort = abort;
  }

  get aborted(): Abort | undefined {
    return this.#aborted;
  }

  /** One batch of outcomes, as the in-process sink reports them. */
  observe(ok: number, failed: number, cause: FailureInput | undefined): void {
    this.#ok += ok;
    this.#failed += failed;
    if (cause !== undefined) this.#first ??= cause;
    this.#check(cause);
  }

  /** Running totals, as worker threads and processes report them. */
  observeTotals(done: number, failed: number, cause: FailureInput | undefined): void {
    this.#ok = done - failed;
    this.#failed = failed;
    if (cause !== undefined) this.#first ??= cause;
    this.#check(cause);
  }

  #check(cause: FailureInput | undefined): void {
    if (this.#aborted !== undefined) return;
    if (cause !== undefined && isFatalCause(cause.kind)) {
      this.#stop({ reason: cause.message, fatal: true });
      return;
    }
    if (this.#firstFailures > 0 && this.#ok === 0 && this.#failed >= this.#firstFailures) {
      const first = this.#first;
      this.#stop({
        reason:
          `its first ` +
          `${this.#failed} operations all failed${first === undefined ? '' : ` (${first.kind}: ${first.message})`}`,
        fatal: false,
      });
    }
  }

  #stop(abort: Abort): void {
    this.#aborted = abort;
    this.#abort(abort);
  }
}
