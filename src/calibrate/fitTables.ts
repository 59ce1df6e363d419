import { median } from '../metrics/statistics.js';
import type { CostSamples } from './CostSamples.js';
import { serviceSpec, type FittedLatency } from './fitCosts.js';
import type { TableSamples } from './probeTables.js';
import type { TableKind } from './scenarioTables.js';

/** A synchronous plug-in's time as the mock config takes it. */
export interface FittedPlugin {
  readonly name: string;
  readonly table: string;
  readonly messages: Exclude<TableKind, 'read'>[];
  readonly ms: number;
}

export interface FittedTables {
  /** Service-time multiplier per table (the mock's `latency.tables`), where it is not 1. */
  readonly multipliers: Record<string, number>;
  /** Time a table's writes add beyond its multiplier: the mock's `plugins`. */
  readonly plugins: FittedPlugin[];
  /** `tables.<table>.<kind>` for each kind timed on a table. */
  readonly measured: string[];
}

/**
 * A multiplier within 20% of 1 is the probes' noise, not the table's: 15 reads timed minutes
 * after account's, on a client and org that have warmed up since, differ by 10-15% alone.
 */
const SAME = 0.2;

/** A write's extra time under this share of account's (or 1 ms) is noise. */
const NOISE_SHARE = 0.1;

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * Each table's costs against account's, in the two terms the mock has: a multiplier on every
 * kind, from its reads (the probe times them on every table; without them, the cheapest
 * write's ratio), and for each write whatever it costs beyond that, as a synchronous plug-in on
 * that table and message: a table dear only to create is not made dear to read. Client-side time is taken out with the same
 * local probes as account's (a retrieve costs the client what it costs on any table).
 */
export function fitTables(probed: readonly TableSamples[], account: FittedLatency, local: CostSamples): FittedTables {
  const rtt = account.roundTripMs ?? 0;
  const multipliers: Record<string, number> = {};
  const plugins: FittedPlugin[] = [];
  const measured: string[] = [];
  for (const { table, samples } of probed) {
    const service = new Map<TableKind, number>();
    for (const [kind, ms] of Object.entries(samples) as [TableKind, number[]][]) {
      if (ms.length < 3) continue;
      const localMs = local[kind].length === 0 ? 0 : median(local[kind]);
      service.set(kind, serviceSpec(ms, localMs, rtt).baseMs);
      measured.push(`tables.${table}.${kind}`);
    }
    const ratio = (kind: TableKind): number | undefined => {
      const own = service.get(kind);
      const base = account[kind]?.baseMs;
      return own === undefined || base === undefined || base <= 0 ? undefined : own / base;
    };
    const ratios = [...service.keys()].flatMap((k) => ratio(k) ?? []);
    if (ratios.length === 0) continue;
    const raw = ratio('read') ?? Math.min(...ratios);
    const multiplier = Math.abs(raw - 1) < SAME ? 1 : round(Math.min(50, Math.max(0.05, raw)), 2);
    if (multiplier !== 1) multipliers[table] = multiplier;
    for (const [kind, own] of service) {
      if (kind === 'read') continue;
      const base = account[kind]?.baseMs ?? 0;
      const extra = own - multiplier * base;
      if (extra > Math.max(1, NOISE_SHARE * base))
        plugins.push({ name: `measured by calibrate: ${table} ${kind}`, table, messages: [kind], ms: round(extra, 1) });
    }
  }
  return { multipliers, plugins, measured };
}
