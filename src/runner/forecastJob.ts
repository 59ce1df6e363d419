import { join } from 'node:path';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import { writeJsonAtomic } from '../output/writeJsonAtomic.js';
import type { LoadedScenario } from '../scenario/loadScenario.js';
import { expandStrategies } from '../strategies/expandStrategies.js';
import { chooseTimeScale } from './chooseTimeScale.js';
import type { RunResults, StrategyResult } from './RunResults.js';
import { ScenarioRun } from './ScenarioRun.js';

/** Dataverse's service protection limits by the code of their 429. */
const LIMIT_NAMES: Readonly<Record<string, string>> = {
  '0x80072322': 'the number of requests per 5 minutes',
  '0x80072321': 'the combined execution time per 5 minutes',
  '0x80072326': 'the concurrent requests',
};

const DAY_SECONDS = 86_400;

/** What one user count's compressed run forecasts. */
export interface ForecastRow {
  readonly users: number;
  readonly timeScale: number;
  /** How long the job takes on the org, s. */
  readonly orgSeconds: number;
  /** How long the forecast's run took here, s. */
  readonly realSeconds: number;
  readonly operations: number;
  readonly failedOperations: number;
  readonly requests: number;
  readonly opsPerSec: number;
  /** 429s by the code of the limit that sent them. */
  readonly throttledByCode: Readonly<Record<string, number>>;
  /** The service protection limit that bound (most 429s), or null when none did. */
  readonly bindingLimit: string | null;
  /** When, in the org's time from the job's start, its first 429 came; null without one. */
  readonly firstThrottledAtSeconds: number | null;
  /** The daily request entitlement: operations the job counts against what its users' licences carry. */
  readonly entitlement: { readonly needed: number; readonly allowed: number; readonly exceeded: boolean };
  readonly resultsPath: string;
}

export interface Forecast {
  readonly scenario: string;
  readonly strategy: string;
  readonly entitlementPerUserPerDay: number;
  readonly rows: readonly ForecastRow[];
  /** The fewest users tried whose run met no 429, or null when every count met some. */
  readonly usersWithoutThrottling: number | null;
  /** Users whose licences carry the job's requests within its days. */
  readonly usersForEntitlement: number;
  readonly sentence: string;
}

export interface ForecastOptions {
  readonly outDir: string;
  /** User counts to try, fewest first; past the first that meets no 429, the rest are not run. */
  readonly users: readonly number[];
  /** A scale, or `auto` (the default): chosen from the scenario's cost model. */
  readonly timeScale: number | 'auto';
  /** Requests per user per 24 hours (a Dynamics 365 Enterprise licence: 40,000). */
  readonly entitlementPerUserPerDay: number;
  readonly only?: readonly string[] | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onRow?: (row: ForecastRow) => void;
}

/** The one strategy a forecast runs: a job is done one way. */
function strategyOf(loaded: LoadedScenario, only: readonly string[] | undefined): string {
  const names = expandStrategies(loaded.scenario.strategies)
    .map((s) => s.name)
    .filter((n) => only === undefined || only.includes(n));
  const [name] = names;
  if (names.length !== 1 || name === undefined)
    throw errorCatalogue.DVB_ERR_USAGE(
      `dvbench forecast: ${loaded.path} ${names.length === 0 ? 'has no strategy left to run' : `has ${names.length} strategies (${names.join(', ')})`}; a forecast runs the job one way: name it with --strategies.`,
    );
  return name;
}

function firstThrottledAt(strategy: StrategyResult): number | null {
  return strategy.timeline.find((p) => p.throttled > 0)?.t ?? null;
}

function bindingLimit(byCode: Readonly<Record<string, number>>): string | null {
  const [top] = Object.entries(byCode)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  return top === undefined ? null : (LIMIT_NAMES[top[0]] ?? `the limit behind ${top[0]}`);
}

/** One user count's row; undefined when its run measured nothing (it was stopped). */
function rowOf(
  users: number,
  results: RunResults,
  realSeconds: number,
  perUser: number,
  resultsPath: string,
): ForecastRow | undefined {
  const s = results.strategies[0];
  if (s === undefined || s.repetitions.length === 0) return undefined;
  const orgSeconds = s.wallMs.mean / 1000;
  const needed = results.plan.operations;
  const allowed = Math.floor(users * perUser * Math.max(1, orgSeconds / DAY_SECONDS));
  return {
    users,
    timeScale: results.timeScale,
    orgSeconds,
    realSeconds,
    operations: s.operations,
    failedOperations: s.errors.total,
    requests: s.requests,
    opsPerSec: s.throughput.opsPerSec,
    throttledByCode: s.throttled.byCode,
    bindingLimit: bindingLimit(s.throttled.byCode),
    firstThrottledAtSeconds: firstThrottledAt(s),
    entitlement: { needed, allowed, exceeded: needed > allowed },
    resultsPath,
  };
}

/** `1 h 19 min`, `47 min`, `35 s`. */
export function span(seconds: number): string {
  if (seconds < 90) return `${seconds.toFixed(0)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function sentenceOf(f: Omit<Forecast, 'sentence'>): string {
  const first = f.rows[0];
  if (first === undefined) return 'No forecast: the run stopped before any user count finished.';
  const throttle =
    first.bindingLimit === null
      ? `no service protection limit binds (the org's capacity sets the pace, ${first.opsPerSec.toFixed(0)} ` +
        `operations/s; more users would not change it)`
      : `${first.bindingLimit} binds, from ${span(first.firstThrottledAtSeconds ?? 0)} in` +
        (f.usersWithoutThrottling === null
          ? `, and still binds with ${f.rows.at(-1)?.users ?? first.users} users`
          : `; ${f.usersWithoutThrottling} application users remove it`);
  const entitlement = first.entitlement.exceeded
    ? `; its ${first.entitlement.needed.toLocaleString('en-US')} requests are past the daily entitlement of ` +
      `${first.users} user(s) (${f.entitlementPerUserPerDay.toLocaleString('en-US')} each per 24 h): ${f.usersForEntitlement} users' licences carry it`
    : '';
  return `${f.scenario} (${f.strategy}) with ${first.users} application user(s) takes about ${span(first.orgSeconds)} on the org: ${throttle}${entitlement}.`;
}

/**
 * `dvbench forecast`: the scenario's job run once per user count, time-compressed on the mock
 * with its profile, and read as the org's: how long it takes, which limit binds and when, and
 * how many application users remove it. The daily entitlement is counted, not run: the mock
 * does not enforce it (Dataverse does not throttle on it either; it is a licensing matter).
 */
export async function forecastJob(loaded: LoadedScenario, options: ForecastOptions): Promise<Forecast> {
  const strategy = strategyOf(loaded, options.only);
  const chosen =
    options.timeScale === 'auto' ? chooseTimeScale(loaded.scenario, [strategy]).timeScale : options.timeScale;
  const rows: ForecastRow[] = [];
  for (const users of options.users) {
    // More users remove service protection limits, nothing else: once none bound, more change nothing.
    if (options.signal?.aborted === true || rows.at(-1)?.bindingLimit === null) break;
    const scenario = { ...loaded.scenario, identities: users, mock: { ...loaded.scenario.mock, timeScale: chosen } };
    const outDir = join(options.outDir, `users-${users}`);
    const started = performance.now();
    const results = await new ScenarioRun(
      { ...loaded, scenario },
      {
        outDir,
        target: { kind: 'mock' },
        repetitions: 1,
        warmup: 0,
        only: [strategy],
        signal: options.signal,
        audit: false,
      },
    ).run();
    const row = rowOf(
      users,
      results,
      (performance.now() - started) / 1000,
      options.entitlementPerUserPerDay,
      join(outDir, 'results.json'),
    );
    if (row === undefined) break;
    rows.push(row);
    options.onRow?.(row);
  }
  const last = rows.at(-1);
  const days = Math.max(1, (last?.orgSeconds ?? 0) / DAY_SECONDS);
  const partial: Omit<Forecast, 'sentence'> = {
    scenario: loaded.scenario.name,
    strategy,
    entitlementPerUserPerDay: options.entitlementPerUserPerDay,
    rows,
    usersWithoutThrottling: rows.find((r) => r.bindingLimit === null)?.users ?? null,
    usersForEntitlement: Math.ceil((rows[0]?.entitlement.needed ?? 0) / (options.entitlementPerUserPerDay * days)),
  };
  const forecast = { ...partial, sentence: sentenceOf(partial) };
  await writeJsonAtomic(join(options.outDir, 'forecast.json'), forecast);
  return forecast;
}
