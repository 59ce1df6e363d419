import type { ClientCounters } from '../../client/ClientCounters.js';
import type { RetryPolicy } from '../../client/retry/RetryPolicy.js';
import type { AuthSpec } from '../../client/auth/AuthSpec.js';
import type { EncodedSink, FailureInput } from '../../metrics/MeasurementSink.js';
import type { PlannedOperation } from '../../operations/PlannedOperation.js';

/**
 * How a worker thread or process builds its own client. Secrets travel in memory only
 * (workerData / IPC), never through files or the environment of a child.
 */
export interface WorkerTarget {
  readonly url: string;
  /** `mock`: app ids on the mock's token endpoint; `org`: sign-in specs. */
  readonly identities:
    | { readonly kind: 'mock'; readonly count: number }
    | { readonly kind: 'org'; readonly specs: readonly AuthSpec[]; readonly authorityHost?: string };
  readonly retry?: Partial<RetryPolicy>;
  /** Keep the ARRAffinity cookie (see `DataverseClientOptions.affinityCookie`). */
  readonly affinityCookie?: boolean;
  /** See `DataverseClientOptions.bypassCustomLogic`. */
  readonly bypassCustomLogic?: boolean;
  /** The embedded mock's `timeScale`: the worker records in the org's time and compresses its own waits. @default 1 */
  readonly timeScale?: number;
}

export interface WorkerStart {
  readonly ops: readonly PlannedOperation[];
  readonly target: WorkerTarget;
  readonly workerIndex: number;
}

/** How often a worker reports its running totals; at once, too, while its first operations finish. */
export const PROGRESS_INTERVAL_MS = 200;

export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly done: number; readonly failed: number; readonly cause?: FailureInput }
  /** A process worker met a 429: the parent closes the identity's gate and tells the others. */
  | { readonly type: 'block'; readonly identity: number; readonly until: number }
  | { readonly type: 'next' }
  | {
      readonly type: 'done';
      readonly sink: EncodedSink;
      readonly counters: ClientCounters;
      readonly resources: { readonly cpuUserMs: number; readonly cpuSystemMs: number; readonly peakRssBytes: number };
    }
  | { readonly type: 'failed'; readonly message: string };

export type ParentMessage =
  | { readonly type: 'start'; readonly start: WorkerStart }
  | { readonly type: 'go' }
  | { readonly type: 'op'; readonly index: number }
  | { readonly type: 'stop' }
  /** Another worker of this identity met a 429: wait until then too. */
  | { readonly type: 'gate'; readonly identity: number; readonly until: number };
