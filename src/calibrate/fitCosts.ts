import type { LatencySpec } from '../../mock-server/index.js';
import { median, variance } from '../metrics/statistics.js';
import type { CostSamples, SizedSamples } from './CostSamples.js';

/** A fitted latency in the mock config's input shape. */
export type FittedSpec = Pick<LatencySpec, 'baseMs' | 'distribution'> & { readonly sigma?: number };

/** The latency keys a calibration can fit, in the mock config's shape. */
export interface FittedLatency {
  roundTripMs?: number;
  perRecordMs?: number;
  read?: FittedSpec;
  default?: FittedSpec;
  create?: FittedSpec;
  update?: FittedSpec;
  upsert?: FittedSpec;
  delete?: FittedSpec;
  changeset?: FittedSpec;
  batch?: FittedSpec;
  batchItem?: FittedSpec;
  bulk?: FittedSpec;
  bulkCreate?: FittedSpec;
  bulkUpdate?: FittedSpec;
}

/** Below this a cost is this machine's noise, not the org's: it is fitted as a fixed value. */
const NOISE_MS = 0.5;

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The mean of the middle 80% of the values: close to the mean's precision, deaf to a few stalls. */
function trimmedMean(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const cut = Math.floor(sorted.length * 0.1);
  const kept = sorted.slice(cut, sorted.length - cut);
  return kept.reduce((a, x) => a + x, 0) / kept.length;
}

/**
 * A lognormal fitted to the org's service times: each sample less what this machine's client
 * and HTTP stack take (`localMs`) and the round trip. Its median is the exponential of the
 * trimmed mean of the logs, not the samples' median: on 20 to 30 samples with a spread of
 * 0.25 the median wanders about 7% from run to run, the log mean about 5%, and every
 * prediction carries that error. Its sigma is the spread of the logs.
 */
export function serviceSpec(samples: readonly number[], localMs: number, roundTripMs: number): FittedSpec {
  const service = samples.map((t) => t - localMs - roundTripMs);
  const middle = Math.max(0, median(service));
  if (middle < NOISE_MS || samples.length < 3) return { baseMs: round(middle), distribution: 'none' };
  const logs = service.map((s) => Math.log(Math.max(s, middle / 20)));
  const sd = Math.sqrt(variance(logs));
  return { baseMs: round(Math.exp(trimmedMean(logs))), distribution: 'lognormal', sigma: round(Math.min(sd, 2), 3) };
}

/**
 * Least squares of (median at the target − median here) against size: the intercept is what
 * one request of the shape costs whatever its size, the slope what each item adds.
 */
function fitSizes(
  target: readonly SizedSamples[],
  local: readonly SizedSamples[],
): { interceptMs: number; perItemMs: number } | undefined {
  const points = target.flatMap((t) => {
    const here = local.find((l) => l.size === t.size);
    if (t.ms.length === 0) return [];
    return [{ x: t.size, y: median(t.ms) - (here === undefined || here.ms.length === 0 ? 0 : median(here.ms)) }];
  });
  if (new Set(points.map((p) => p.x)).size < 2) return undefined;
  const mx = points.reduce((a, p) => a + p.x, 0) / points.length;
  const my = points.reduce((a, p) => a + p.y, 0) / points.length;
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  const slope = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0) / sxx;
  return { interceptMs: my - slope * mx, perItemMs: Math.max(0, slope) };
}

function fixed(ms: number, sigma: number): FittedSpec {
  const baseMs = round(Math.max(0, ms));
  return baseMs < NOISE_MS ? { baseMs, distribution: 'none' } : { baseMs, distribution: 'lognormal', sigma };
}

function singles(target: CostSamples, local: CostSamples, rtt: number): FittedLatency {
  const out: FittedLatency = {};
  const kinds = ['read', 'create', 'update', 'upsert', 'delete'] as const;
  for (const kind of kinds) {
    if (target[kind].length === 0) continue;
    out[kind] = serviceSpec(target[kind], local[kind].length === 0 ? 0 : median(local[kind]), rtt);
  }
  // WhoAmI and other functions cost what a read does, as in the default profile.
  if (out.read !== undefined) out.default = out.read;
  return out;
}

/** What a changeset adds to a `$batch` of one create at the target, beyond what it adds here. */
function changesetMs(target: CostSamples, local: CostSamples): number | undefined {
  const { plain, inChangeset } = target.changeset;
  if (plain.length < 3 || inChangeset.length < 3) return undefined;
  const here =
    local.changeset.plain.length === 0 ? 0 : median(local.changeset.inChangeset) - median(local.changeset.plain);
  return median(inChangeset) - median(plain) - here;
}

/**
 * The `$batch` probes by size, with the changeset probe's plain `$batch`es of one create among
 * those of size one when the batches were of creates: the same request, so 30 more samples of
 * the one size that pins a batch's overhead, where an item's spread weighs most.
 */
function batchSizes(samples: CostSamples): readonly SizedSamples[] {
  const plain = samples.changeset.plain;
  if (samples.batchKind !== 'create' || plain.length === 0) return samples.batch;
  return samples.batch.map((s) => (s.size === 1 ? { size: 1, ms: [...s.ms, ...plain] } : s));
}

function sized(target: CostSamples, local: CostSamples, rtt: number): FittedLatency {
  const out: FittedLatency = {};
  const query = fitSizes(target.query, local.query);
  if (query !== undefined) out.perRecordMs = round(query.perItemMs, 4);
  const batch = fitSizes(batchSizes(target), batchSizes(local));
  if (batch !== undefined) {
    out.batch = fixed(batch.interceptMs - rtt, 0.1);
    // The mock charges every kind of item alike: an item cost timed on retrieves would make
    // batched writes look cheap, so only creates set it.
    if (target.batchKind === 'create') out.batchItem = fixed(batch.perItemMs, 0.25);
  }
  const bulkCreate = fitSizes(target.bulkCreate, local.bulkCreate);
  const bulkUpdate = fitSizes(target.bulkUpdate, local.bulkUpdate);
  const overheads = [bulkCreate, bulkUpdate].flatMap((f) => (f === undefined ? [] : [f.interceptMs - rtt]));
  if (overheads.length > 0) out.bulk = fixed(overheads.reduce((a, x) => a + x, 0) / overheads.length, 0.1);
  if (bulkCreate !== undefined) out.bulkCreate = fixed(bulkCreate.perItemMs, 0.25);
  if (bulkUpdate !== undefined) out.bulkUpdate = fixed(bulkUpdate.perItemMs, 0.25);
  const changeset = changesetMs(target, local);
  if (changeset !== undefined) out.changeset = fixed(changeset, 0.1);
  return out;
}

/**
 * The org's costs from its probes (`target`) and the same probes against a zero-cost mock on
 * this machine (`local`): subtracting the local medians takes this machine's client and HTTP
 * stack out, so the embedded mock, which adds them back, predicts what the org measured.
 */
export function fitCosts(target: CostSamples, local: CostSamples): FittedLatency {
  if (target.roundTrip.length === 0) return {};
  const localRtt = local.roundTrip.length === 0 ? 0 : median(local.roundTrip);
  const rtt = Math.max(0, median(target.roundTrip) - localRtt);
  return { roundTripMs: round(rtt), ...singles(target, local, rtt), ...sized(target, local, rtt) };
}
