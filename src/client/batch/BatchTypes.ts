type BatchMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** One operation of a `$batch`: its URL is relative to the Web API root, or `$n` for a changeset's earlier item. */
export interface BatchOperation {
  readonly method: BatchMethod;
  readonly url: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Within a changeset; assigned automatically when omitted. */
  readonly contentId?: string;
}

/** A top-level entry: an operation on its own, or a changeset run all-or-nothing. */
export type BatchEntryInput = BatchOperation | { readonly changeset: readonly BatchOperation[] };

export interface EncodedBatch {
  readonly body: string;
  /** Headers for the `POST $batch` request itself. */
  readonly headers: Record<string, string>;
  /** How many operations the batch carries (changeset items included). */
  readonly operations: number;
}

/** What became of one planned operation, in input order. */
export interface BatchOperationResult {
  readonly status: number;
  readonly ok: boolean;
  readonly contentId?: string;
  /** From `OData-EntityId` on creates and upserts. */
  readonly entityId?: string;
  /** Parsed JSON body, unless bodies were discarded. */
  readonly body?: unknown;
  readonly error?: { readonly code: string; readonly message: string };
  /** Its changeset failed and was rolled back: nothing of it was kept. */
  readonly rolledBack?: boolean;
  /** Never run: the batch stopped at an earlier failure (no continue-on-error). */
  readonly notRun?: boolean;
}

export interface BatchResult {
  readonly status: number;
  readonly results: readonly BatchOperationResult[];
  readonly succeeded: number;
  readonly failed: number;
}
