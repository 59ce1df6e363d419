import { availableParallelism } from 'node:os';
import { countQueryRows, meanServiceModel, parseMockConfig, type MockConfig } from '../../mock-server/index.js';
import type { StrategySpec } from '../strategies/strategyKinds.js';
import { phasesOf } from '../scenario/phasesOf.js';
import type { PlannedOperation } from '../operations/PlannedOperation.js';
import type { Scenario } from '../scenario/scenarioSchema.js';
import { descriptorOf } from '../strategies/descriptorOf.js';
import { throughputPerMs } from './queueModel.js';
import { estimatedRequests, type MatchingRows } from './requestCosts.js';

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
  const missing = new Set<string>();
  for (const op of ops) if (op.kind === 'query' && !known.has(op.pathAndQuery)) missing.add(op.pathAndQuery);
  if (missing.size > 0) {
    const queries = [...missing];
    const counts = countQueryRows(scenario.mock, { seed: scenario.seed, counts: scenario.data }, queries);
    queries.forEach((q, i) => known.set(q, counts[i]));
  }
  return (op) => known.get(op.pathAndQuery) ?? scenario.data[op.table] ?? 0;
}

/** Dataverse's documented service protection limits: the mock's own defaults. */
const ORG_LIMITS = parseMockConfig({}).limits;

/**
 * The limits an estimate holds the work to: the mock's as the scenario sets them, and on an org
 * Dataverse's own. A scenario's `mock.limits` shape only the mock (the throttled example's 100
 * requests per 20 s held an org's dry run to minutes that a stand-in org ran in 12 s a repetition).
 */
export function estimateLimits(scenario: Scenario, target: EstimateTarget): MockConfig['limits'] {
  return target === 'org' ? ORG_LIMITS : scenario.mock.limits;
}

/** What the service protection limits hold a repetition to: the least time they allow, in the org's ms. */
interface LimitFloor {
  readonly ms: number;
  readonly limit: 'requests' | 'executionTime' | null;
}

/**
 * How many sets of service protection counters the run's requests spread over: Dataverse (and
 * the mock) counts each limit per user per web server, and a client that drops the affinity
 * cookie is dealt to every server in turn.
 */
function limitCounters(scenario: Scenario): number {
  return scenario.identities * (scenario.affinityCookie ? 1 : scenario.mock.webServers);
}

/**
 * The least time the service protection limits allow `requests` of `serviceMs` each, in the
 * org's ms (as every estimate is: a time-compressed run takes a `timeScale`th of it), with
 * every set of counters' allowance (`limitCounters`). Past a window's allowance the rest is
 * throttled until the window slides: each allowance takes a window, and a repetition that
 * follows one which filled the window starts with it full (`windowFull`), so only the run's
 * first repetition gets one window free.
 */
function limitFloor(
  scenario: Scenario,
  limits: MockConfig['limits'],
  requests: number,
  serviceMs: number,
  windowFull: boolean,
): LimitFloor {
  if (!limits.enabled) return { ms: 0, limit: null };
  const counters = limitCounters(scenario);
  const windowMs = limits.windowSeconds * 1000;
  const allowance = limits.requestsPerWindow * counters;
  const byRequests = requests > allowance ? (Math.ceil(requests / allowance) - (windowFull ? 0 : 1)) * windowMs : 0;
  const executionMs = limits.executionSecondsPerWindow * 1000 * counters;
  const byExecution = Math.floor((requests * serviceMs) / executionMs) * windowMs;
  if (byRequests === 0 && byExecution === 0) return { ms: 0, limit: null };
  return byRequests >= byExecution
    ? { ms: byRequests, limit: 'requests' }
    : { ms: byExecution, limit: 'executionTime' };
}

/** What one set of operations asks of the target under one strategy, summed over its requests. */
interface Work {
  requests: number;
  /** Requests framed as a `$batch` (batches and changesets). */
  batches: number;
  serviceMs: number;
  items: number;
  records: number;
}

/** The requests a strategy sends for `ops`, folded as they are made: a plan of millions is never held twice. */
function workOf(scenario: Scenario, spec: StrategySpec, ops: readonly PlannedOperation[]): Work {
  const rows = matchingRows(scenario, ops);
  const service = meanServiceModel(scenario.mock, scenario.bypassCustomLogic);
  const work: Work = { requests: 0, batches: 0, serviceMs: 0, items: 0, records: 0 };
  for (const group of descriptorOf(spec).requestGroups(spec, ops)) {
    if (group.kind === 'batch' || group.kind === 'changeset') work.batches++;
    for (const r of estimatedRequests(group, rows)) {
      work.requests++;
      work.serviceMs += service(r.costs);
      work.items += r.items;
      for (const c of r.costs) work.records += c.records ?? 0;
    }
  }
  return work;
}

/** One set of operations (a repetition, or one phase of it) under one strategy: its time, ms, and requests. */
function estimateOps(
  scenario: Scenario,
  spec: StrategySpec,
  ops: readonly PlannedOperation[],
  target: EstimateTarget,
): RepetitionEstimate {
  const work = workOf(scenario, spec, ops);
  const n = work.requests;
  if (n === 0) return { ms: 0, firstMs: 0, requests: 0, items: 0, records: 0, limitedBy: null };
  const m = scenario.mock;
  const limits = estimateLimits(scenario, target);
  const serviceMs = work.serviceMs / n;
  const concurrent = limits.enabled ? limits.concurrentRequests * limitCounters(scenario) : Number.POSITIVE_INFINITY;
  // An org that runs at most `maxConcurrentBatches` $batch requests at once answers the rest
  // Server Busy; they back off and retry. Mostly $batch work is then held to the cap, and the
  // retries leave it idle part of the time: about a third longer, as measured on the mock.
  const cap = limits.enabled ? limits.maxConcurrentBatches : null;
  const overCap = cap !== null && work.batches * 2 > n && spec.concurrency > cap;
  const clients = Math.min(spec.concurrency, n, concurrent, overCap ? cap : Number.POSITIVE_INFINITY);
  const servers =
    m.capacity === null ? Number.POSITIVE_INFINITY : m.capacity * (scenario.affinityCookie ? 1 : m.webServers);
  const cpuMs = CPU_PER_REQUEST_MS + (CPU_PER_ITEM_MS * work.items + CPU_PER_RECORD_MS * work.records) / n;
  const x = throughputPerMs({
    clients,
    delayMs: m.latency.roundTripMs + CLIENT_DELAY_MS,
    serviceMs,
    servers,
    serializedFraction: m.serializedFraction,
    contention: m.contention,
    // An org's work is not on this machine: only the client's share of the CPU is.
    cpuMs: cpuMs * (target === 'mock' ? 1 : 0.3),
    cores: availableParallelism(),
  });
  const queued = (n / x) * (overCap ? BUSY_RETRY_FACTOR : 1);
  const floor = limitFloor(scenario, limits, n, serviceMs, true);
  return {
    ms: Math.max(queued, floor.ms),
    firstMs: Math.max(queued, limitFloor(scenario, limits, n, serviceMs, false).ms),
    requests: n,
    items: work.items,
    records: work.records,
    limitedBy: floor.ms > queued ? floor.limit : null,
  };
}

/** One repetition's measured work, ms, and the HTTP requests it sends. */
export interface RepetitionEstimate {
  /** A repetition after one that filled the limits' window, as every repetition but a run's first is. */
  readonly ms: number;
  /** The same as a run's first repetition: the limits' window empty when it starts. */
  readonly firstMs: number;
  readonly requests: number;
  /** Operations the requests carry (a `$batch` or bulk message carries many). */
  readonly items: number;
  /** Records the requests read or write: what the client and the mock serialize and parse. */
  readonly records: number;
  /**
   * The service protection limit that sets the time, when it does: the time is then the least
   * that limit allows, and its 429s (and requests sent while blocked, which lengthen the block)
   * add waits the estimate does not model.
   */
  readonly limitedBy: 'requests' | 'executionTime' | null;
}

/**
 * One measured repetition of `spec`, from the cost model the scenario's mock serves (a
 * profile's, or the scenario's own keys): each request's mean service time by the mock's own
 * function, the round trip, the capacity, the serialized share and the limits. With `phases`,
 * each workload runs to its end before the next (as the runner splits them), so each is
 * estimated alone.
 */
export function estimateRepetition(
  scenario: Scenario,
  spec: StrategySpec,
  ops: readonly PlannedOperation[],
  target: EstimateTarget,
): RepetitionEstimate {
  if (!scenario.phases) return estimateOps(scenario, spec, ops, target);
  const total: { -readonly [K in keyof RepetitionEstimate]: RepetitionEstimate[K] } = {
    ms: 0,
    firstMs: 0,
    requests: 0,
    items: 0,
    records: 0,
    limitedBy: null,
  };
  for (const [i, phase] of phasesOf(ops, true).entries()) {
    const e = estimateOps(scenario, spec, phase.ops, target);
    total.ms += e.ms;
    // Only the first phase of a run's first repetition finds the window empty.
    total.firstMs += i === 0 ? e.firstMs : e.ms;
    total.requests += e.requests;
    total.items += e.items;
    total.records += e.records;
    total.limitedBy ??= e.limitedBy;
  }
  return total;
}

/**
 * A repetition's script cleanups, ms: what each script workload declares its module's
 * `cleanup` sends per operation (`cleanupSends`), one request at a time after the repetition.
 */
export function estimateScriptCleanupMs(scenario: Scenario): number {
  const m = scenario.mock;
  const service = meanServiceModel(m, scenario.bypassCustomLogic);
  let total = 0;
  for (const w of scenario.workloads) {
    if (w.kind !== 'script') continue;
    const perOperation = w.cleanupSends.reduce(
      (a, kind) => a + service([{ kind }]) + m.latency.roundTripMs + CLIENT_DELAY_MS,
      0,
    );
    total += perOperation * w.count;
  }
  return total;
}
