import { availableParallelism } from 'node:os';
import { countQueryRows, meanServiceMs } from '../../mock-server/index.js';
import type { StrategySpec } from '../scenario/expandStrategies.js';
import type { PlannedOperation } from '../scenario/PlannedOperation.js';
import type { Scenario } from '../scenario/scenarioSchema.js';
import { requestGroupsOf } from '../strategies/strategyRegistry.js';
import { throughputPerMs } from './queueModel.js';
import { estimatedRequests, type EstimatedRequest, type MatchingRows } from './requestCosts.js';

/*
 * The harness's own time per request on a 2-core machine like the ones dvbench is built on,
 * measured on the `zero` profile (no server costs): a retrieve alone takes about 0.2 ms end to
 * end, and client and mock together spend about 0.1 ms of CPU on it, and 0.03 ms per operation
 * inside a $batch or bulk message. They matter only where the server's costs are near zero.
 */
const CLIENT_DELAY_MS = 0.1;
const CPU_PER_REQUEST_MS = 0.1;
const CPU_PER_ITEM_MS = 0.03;
/** Serializing a record into a page and parsing it back: about 10 µs a record (500-record pages of read-fetchxml). */
const CPU_PER_RECORD_MS = 0.01;
/** Server Busy retries past the $batch cap: the cap's slots idle while the turned-away back off (measured: ×1.35). */
const BUSY_RETRY_FACTOR = 1.35;

/** Where the work goes: the embedded mock shares this machine's cores; an org does not. */
export type EstimateTarget = 'mock' | 'org';

const counted = new WeakMap<Scenario, Map<string, number | undefined>>();

/**
 * The records each query matches on the scenario's seeded data, counted once per scenario by
 * the mock's own engine (a filter may keep a tenth of a table); the table's size where it
 * cannot count (FetchXML, `$apply`, more data than it counts).
 */
function matchingRows(scenario: Scenario, ops: readonly PlannedOperation[]): MatchingRows {
  let known = counted.get(scenario);
  if (known === undefined) counted.set(scenario, (known = new Map<string, number | undefined>()));
  const missing = [...new Set(ops.flatMap((op) => (op.kind === 'query' ? [op.pathAndQuery] : [])))].filter(
    (q) => !known.has(q),
  );
  if (missing.length > 0) {
    const counts = countQueryRows(scenario.mock, { seed: scenario.seed, counts: scenario.data }, missing);
    missing.forEach((q, i) => known.set(q, counts[i]));
  }
  return (op) => known.get(op.pathAndQuery) ?? scenario.data[op.table] ?? 0;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, v) => a + v, 0) / values.length;
}

/** The least time the service protection limits allow `requests` of `serviceMs` each, ms. */
function limitFloorMs(scenario: Scenario, requests: number, serviceMs: number): number {
  const { limits, timeScale } = scenario.mock;
  if (!limits.enabled) return 0;
  const users = scenario.identities;
  const windowMs = (limits.windowSeconds * 1000) / timeScale;
  // Past a window's allowance the rest is throttled until it slides, and requests sent while
  // blocked extend the block: measured on the throttled example, each allowance takes a window.
  const allowance = limits.requestsPerWindow * users;
  const byRequests = requests > allowance ? Math.ceil(requests / allowance) * windowMs : 0;
  const executionMs = (limits.executionSecondsPerWindow * 1000 * users) / timeScale;
  const byExecution = Math.floor((requests * serviceMs) / executionMs) * windowMs;
  return Math.max(byRequests, byExecution);
}

/** One set of operations (a repetition, or one phase of it) under one strategy, ms. */
function estimateOps(
  scenario: Scenario,
  spec: StrategySpec,
  ops: readonly PlannedOperation[],
  target: EstimateTarget,
): number {
  const groups = requestGroupsOf(spec, ops);
  const rows = matchingRows(scenario, ops);
  const requests: EstimatedRequest[] = groups.flatMap((g) => estimatedRequests(g, rows));
  if (requests.length === 0) return 0;
  const batches = groups.filter((g) => g.kind === 'batch' || g.kind === 'changeset').length;
  const m = scenario.mock;
  const bypass = scenario.bypassCustomLogic;
  const serviceMs = mean(requests.map((r) => meanServiceMs(m, r.costs, bypass)));
  const items = mean(requests.map((r) => r.items));
  const records = mean(requests.map((r) => r.costs.reduce((a, c) => a + (c.records ?? 0), 0)));
  const concurrent = m.limits.enabled ? m.limits.concurrentRequests * scenario.identities : Number.POSITIVE_INFINITY;
  // An org that runs at most `maxConcurrentBatches` $batch requests at once answers the rest
  // Server Busy; they back off and retry. Mostly $batch work is then held to the cap, and the
  // retries leave it idle part of the time: about a third longer, as measured on the mock.
  const cap = m.limits.enabled ? m.limits.maxConcurrentBatches : null;
  const overCap = cap !== null && batches * 2 > requests.length && spec.concurrency > cap;
  const clients = Math.min(spec.concurrency, requests.length, concurrent, overCap ? cap : Number.POSITIVE_INFINITY);
  const servers =
    m.capacity === null ? Number.POSITIVE_INFINITY : m.capacity * (scenario.affinityCookie ? 1 : m.webServers);
  const x = throughputPerMs({
    clients,
    delayMs: m.latency.roundTripMs + CLIENT_DELAY_MS,
    serviceMs,
    servers,
    serializedFraction: m.serializedFraction,
    // An org's work is not on this machine: only the client's share of the CPU is.
    cpuMs: (CPU_PER_REQUEST_MS + CPU_PER_ITEM_MS * items + CPU_PER_RECORD_MS * records) * (target === 'mock' ? 1 : 0.3),
    cores: availableParallelism(),
  });
  const busy = overCap ? BUSY_RETRY_FACTOR : 1;
  return Math.max((requests.length / x) * busy, limitFloorMs(scenario, requests.length, serviceMs));
}

/**
 * One measured repetition of `spec`, ms, from the cost model the scenario's mock serves (a
 * profile's, or the scenario's own keys): each request's mean service time by the mock's own
 * function, the round trip, the capacity, the serialized share and the limits. With `phases`,
 * each workload runs to its end before the next, so each is estimated alone.
 */
export function estimateRepetitionMs(
  scenario: Scenario,
  spec: StrategySpec,
  ops: readonly PlannedOperation[],
  target: EstimateTarget,
): number {
  if (!scenario.phases) return estimateOps(scenario, spec, ops, target);
  const byWorkload = new Map<number, PlannedOperation[]>();
  for (const op of ops) {
    const list = byWorkload.get(op.workload);
    if (list === undefined) byWorkload.set(op.workload, [op]);
    else list.push(op);
  }
  return [...byWorkload.values()].reduce((a, phase) => a + estimateOps(scenario, spec, phase, target), 0);
}

/**
 * A repetition's script cleanups, ms: what each script workload declares its module's
 * `cleanup` sends per operation (`cleanupSends`), one request at a time after the repetition.
 */
export function estimateScriptCleanupMs(scenario: Scenario): number {
  const m = scenario.mock;
  let total = 0;
  for (const w of scenario.workloads) {
    if (w.kind !== 'script') continue;
    const perOperation = w.cleanupSends.reduce(
      (a, kind) =>
        a + meanServiceMs(m, [{ kind }], scenario.bypassCustomLogic) + m.latency.roundTripMs + CLIENT_DELAY_MS,
      0,
    );
    total += perOperation * w.count;
  }
  return total;
}
