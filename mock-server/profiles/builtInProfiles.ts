import type { ProfileInput } from './profileSchema.js';

/*
 * Sources cited below (full references in docs/profiles.md):
 * [S-BULK]  microsoft/PowerApps-Samples, dataverse/orgsvc/CSharp-NETCore/BulkOperations READMEs:
 *           expected timings for 100 records on a standard table: SimpleLoop create 10 s / update
 *           12 s; ExecuteMultiple 4 s / 4 s; CreateMultiple 1 s, UpdateMultiple 3 s;
 *           "RecommendedDegreesOfParallelism: 4" from x-ms-dop-hint.
 * [LIMITS]  learn.microsoft.com/power-apps/developer/data-platform/api-limits: 6,000 requests and
 *           20 minutes of execution time per user per 5-minute window, 52 concurrent requests.
 * [PAPER]   the paper dvbench came from: the same CRUD job 2.67x faster with 4 concurrent workers
 *           than sequentially.
 * [ASSUMED] no published figure: an assumption, named as such, for `dvbench calibrate` to replace.
 */

/** A latency with a lognormal spread: a quarter of its base, unless the source shows less. */
const lognormal = (baseMs: number, sigma = 0.25) => ({ baseMs, distribution: 'lognormal' as const, sigma });

/**
 * `default`: a small standard-table org as the published figures describe it. Used when a
 * scenario gives the mock no costs.
 */
const defaultProfile: ProfileInput = {
  profile: {
    name: 'default',
    version: 1,
    description:
      "A small org's standard tables, from published figures: Microsoft's BulkOperations sample " +
      "timings, the service protection limits, and the paper's 2.67x with 4 workers.",
    source:
      'PowerApps-Samples BulkOperations READMEs (100 records: create 10 s, update 12 s, ' +
      'ExecuteMultiple 4 s, CreateMultiple 1 s, UpdateMultiple 3 s, dop hint 4); Microsoft ' +
      'Learn "Service protection API limits"; the paper (2.67x with 4 workers). Round trip, ' +
      'reads and deletes are assumptions.',
    createdAt: '2026-11-22',
    samples: null,
    fit: null,
  },
  mock: {
    latency: {
      // [ASSUMED] a client in the org's Azure region, on a kept-alive TLS connection.
      roundTripMs: 10,
      // [S-BULK] SimpleLoop: 100 creates in 10 s = 100 ms a call, less the round trip.
      create: lognormal(90),
      // [S-BULK] SimpleLoop: 100 updates in 12 s = 120 ms a call, less the round trip.
      update: lognormal(110),
      // [ASSUMED] an upsert by id looks the record up, then updates it: an update and a third of a read.
      upsert: lognormal(120),
      // [ASSUMED] a delete does an update's work (cascades, audit) and no more.
      delete: lognormal(110),
      // [ASSUMED] a retrieve or one query page skips plug-ins and the transaction: about a third of a create.
      read: lognormal(30),
      default: lognormal(30),
      // [ASSUMED] reading and serializing a record into a page.
      perRecordMs: 0.05,
      // [S-BULK] ExecuteMultiple of 100 in 4 s for creates and updates alike:
      // 10 ms round trip + 50 ms overhead + 100 x 39 ms = 3.96 s.
      batch: lognormal(50, 0.1),
      batchItem: lognormal(39),
      // [ASSUMED] a changeset's own transaction (begin, commit) beside its operations.
      changeset: lognormal(10),
      // [S-BULK] CreateMultiple of 100 in 1 s: 10 ms + 90 ms overhead + 100 x 9 ms.
      bulk: lognormal(90, 0.1),
      bulkCreate: lognormal(9),
      // [S-BULK] UpdateMultiple of 100 in 3 s: 10 ms + 90 ms overhead + 100 x 29 ms.
      bulkUpdate: lognormal(29),
    },
    // [PAPER] 4 workers run the CRUD job 2.67x faster than one. A share f of each operation's
    // service time S is serialized, capping throughput at 1 / (f x S): for the paper's mix
    // (S about 85 ms, one call about 97 ms with the round trip and the client) the cap is
    // 2.67x one worker at f = 0.42. Two workers still get 2x; past four, workers only queue.
    serializedFraction: 0.42,
    // [S-BULK] x-ms-dop-hint 4, and the org works on as many operations at once: going past the
    // hint queues, as Microsoft warns it does.
    dopHint: 4,
    capacity: 4,
    // [LIMITS] trial environments have one web server, production ones usually several; one
    // keeps the paper's figures, and `dvbench calibrate` counts an org's from its cookies.
    webServers: 1,
    // [LIMITS] the documented per-user limits (these are also the mock's own defaults).
    limits: {
      requestsPerWindow: 6000,
      executionSecondsPerWindow: 1200,
      windowSeconds: 300,
      concurrentRequests: 52,
    },
  },
};

/** `zero`: no costs at all, for testing the harness itself. Reports say so wherever it is used. */
const zeroProfile: ProfileInput = {
  profile: {
    name: 'zero',
    version: 1,
    description:
      'No costs and no service protection limits: every operation is free and the mock scales ' +
      "without limit. For testing the harness itself; its figures describe this machine's " +
      'client and HTTP stack, not Dataverse. A scenario that wants 429s sets `limits` over it.',
    source: 'none: every cost is zero by construction',
    createdAt: '2026-11-22',
    samples: null,
    fit: null,
  },
  mock: {
    latency: { default: { baseMs: 0, distribution: 'none' }, perRecordMs: 0, roundTripMs: 0 },
    serializedFraction: 0,
    capacity: null,
    dopHint: 48,
    // Dataverse's 6,000 requests per 5 minutes would throttle a harness test at 2,000/s after 3 s.
    limits: { enabled: false },
  },
};

export const BUILT_IN_PROFILES: Readonly<Record<string, ProfileInput>> = {
  default: defaultProfile,
  zero: zeroProfile,
};
