import type { FailureInput, RequestKind } from './MeasurementSink.js';

/** One request as measured: one attempt's service time, the response time with retries and waits, the 429s it met. */
export interface RequestSample {
  readonly serviceMs: number;
  readonly responseMs: number;
  /**
   * The same two times in the org's, on a time-compressed mock: the waits it made on the org's
   * behalf counted in the org's time, the harness's own time once (see
   * `protocol/timeCompression.ts`). Absent: the whole of each is compressed.
   */
  readonly org?: { readonly responseMs: number; readonly serviceMs: number };
  readonly throttled: number;
  readonly kind: RequestKind;
  /** The workloads of the operations it carried (a `$batch` counts toward each). */
  readonly workloads: readonly number[];
}

interface OutcomeBase {
  readonly workload: number;
  /** Operations it stands for (a transactional unit counts its creates). */
  readonly ops: number;
  readonly requestKind: RequestKind;
  /** The requests it sent; operations sharing a `$batch` or bulk message carry it once, on the first of them. */
  readonly requests: readonly RequestSample[];
  /** Records its queries read. */
  readonly records: number;
}

/**
 * How one planned operation ended, as its executor returns it: the only thing a strategy hands
 * to the measurement sink. A cancelled one (the run was stopping) is neither ok nor failed; its
 * requests still count.
 */
export type OperationOutcome =
  | (OutcomeBase & { readonly state: 'ok' })
  | (OutcomeBase & {
      readonly state: 'failed';
      readonly cause: FailureInput;
      /** The records it was about (creates, updates, deletes, units), for the integrity audit. */
      readonly failedIds: readonly string[];
    })
  | (OutcomeBase & { readonly state: 'cancelled' });

/** The 429s an operation's requests met, for strategies that adapt. */
export function throttledIn(outcome: OperationOutcome): number {
  return outcome.requests.reduce((n, r) => n + r.throttled, 0);
}

/** The service time of its last request (0 with none), for strategies that adapt. */
export function lastServiceMs(outcome: OperationOutcome): number {
  return outcome.requests.at(-1)?.serviceMs ?? 0;
}
