/** Latencies of one request shape at one size (records in a page, operations in a batch). */
export interface SizedSamples {
  readonly size: number;
  /** Each call's time from send to last byte, in ms. */
  readonly ms: readonly number[];
}

/**
 * What the probes measured, one call at a time, in ms per call (send to last byte). An empty
 * list is a probe that did not run (no writes allowed, nothing to read, budget spent).
 */
export interface CostSamples {
  /** Unauthenticated requests, answered 401 before any server work: the network and front end. */
  roundTrip: number[];
  /** Retrieve by id. */
  read: number[];
  /** Query pages of several sizes (`$top`), for the cost per record returned. */
  query: SizedSamples[];
  create: number[];
  update: number[];
  /** PATCH by id without If-Match on an own record: an upsert that updates. */
  upsert: number[];
  delete: number[];
  /** `$batch` of several sizes, of creates (writes allowed) or retrieves. */
  batch: SizedSamples[];
  batchKind: 'create' | 'read';
  bulkCreate: SizedSamples[];
  bulkUpdate: SizedSamples[];
  /**
   * A `$batch` of one create, plain and in a changeset, taken in turns so both meet the same
   * conditions: the difference is the changeset's transaction.
   */
  changeset: { plain: number[]; inChangeset: number[] };
}

export function emptySamples(): CostSamples {
  return {
    roundTrip: [],
    read: [],
    query: [],
    create: [],
    update: [],
    upsert: [],
    delete: [],
    batch: [],
    batchKind: 'read',
    bulkCreate: [],
    bulkUpdate: [],
    changeset: { plain: [], inChangeset: [] },
  };
}

/** One point of the concurrency sweep. */
export interface ScalingPoint {
  readonly workers: number;
  /** Operations timed at this count (more on an org whose calls vary more). */
  readonly ops: number;
  readonly opsPerSec: number;
  /** 429s met: such a point measures Retry-After waits, not scaling, and is left out of the fit. */
  readonly throttled: number;
}
