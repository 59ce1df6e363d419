import { BUILT_IN_PROFILES, type ProfileInput } from '../../mock-server/index.js';
import type { ScalingChoice } from './chooseScaling.js';
import type { FittedLatency } from './fitCosts.js';
import type { FittedTables } from './fitTables.js';

export interface ProfileFacts {
  readonly name: string;
  /** The org's origin. */
  readonly origin: string;
  readonly costs: FittedLatency;
  /** Null when the sweep did not run (no budget left, nothing to sweep). */
  readonly scaling: ScalingChoice | null;
  /** From `x-ms-dop-hint`; undefined when the org sent none. */
  readonly dopHint: number | undefined;
  /** Web servers seen by their affinity cookies; undefined when the org set none. */
  readonly webServers: number | undefined;
  readonly requests: number;
  readonly date: Date;
  /** With `--scenario`: the tables it uses, against account. */
  readonly tables?: FittedTables | undefined;
}

export interface BuiltProfile {
  readonly profile: ProfileInput;
  /** Cost keys the calibration measured. */
  readonly measured: readonly string[];
  /** Keys taken from the `default` profile because they could not be measured. */
  readonly fromDefault: readonly string[];
}

/**
 * A profile from what was measured, with `default`'s figures for whatever was not (a read-only
 * calibration cannot time creates), and provenance that says which is which.
 */
export function buildProfile(facts: ProfileFacts): BuiltProfile {
  const base = BUILT_IN_PROFILES.default?.mock ?? {};
  const baseLatency = (base.latency ?? {}) as Record<string, unknown>;
  const { measured, fromDefault } = provenance(facts, baseLatency);
  const tables = facts.tables;
  return {
    measured,
    fromDefault,
    profile: {
      profile: {
        name: facts.name,
        version: 1,
        description: `Calibrated by dvbench against ${new URL(facts.origin).host} on ${facts.date.toISOString().slice(0, 10)}.`,
        source:
          `dvbench calibrate against ${facts.origin} on ${facts.date.toISOString()}, ${facts.requests} ` +
          `requests. Measured: ${measured.join(', ') || 'nothing'}. From the default profile (not ` +
          `measurable here): ${fromDefault.join(', ')}${tableNote(tables)}; limits are Microsoft's ` +
          `published per-user service protection limits.`,
        createdAt: facts.date.toISOString(),
        samples: facts.requests,
        fit: null,
        measuredOn: facts.origin,
      },
      mock: {
        latency: {
          ...baseLatency,
          ...facts.costs,
          ...(tables === undefined ? {} : { tables: tables.multipliers }),
        },
        ...scalingOf(facts.scaling, base),
        dopHint: facts.dopHint ?? base.dopHint ?? 4,
        webServers: facts.webServers ?? base.webServers ?? 1,
        ...(base.limits === undefined ? {} : { limits: base.limits }),
        ...(tables === undefined || tables.plugins.length === 0 ? {} : { plugins: tables.plugins }),
      },
    },
  };
}

/** Which keys were measured and which come from `default`. */
function provenance(facts: ProfileFacts, baseLatency: object): { measured: string[]; fromDefault: string[] } {
  const measured = Object.keys(facts.costs).map((k) => `latency.${k}`);
  const fromDefault = Object.keys(baseLatency)
    .filter((k) => !Object.hasOwn(facts.costs, k))
    .map((k) => `latency.${k}`);
  const found: Record<string, boolean> = {
    capacity: facts.scaling !== null,
    serializedFraction: facts.scaling !== null,
    contention: facts.scaling !== null,
    dopHint: facts.dopHint !== undefined,
    webServers: facts.webServers !== undefined,
  };
  for (const [key, wasMeasured] of Object.entries(found)) (wasMeasured ? measured : fromDefault).push(key);
  fromDefault.push('limits');
  if (facts.tables !== undefined) measured.push(...facts.tables.measured);
  return { measured, fromDefault };
}

/** Tables the scenario uses were timed; every other table costs what account does. */
function tableNote(tables: FittedTables | undefined): string {
  return tables === undefined ? '' : "; every table or kind not listed as measured costs what account's does";
}

/** The scaling the sweep chose, or `default`'s when there was no sweep. */
function scalingOf(
  scaling: ScalingChoice | null,
  base: {
    capacity?: number | null | undefined;
    serializedFraction?: number | undefined;
    contention?: number | undefined;
  },
): { capacity: number | null; serializedFraction: number; contention: number } {
  const chosen = scaling?.chosen;
  return chosen === undefined
    ? {
        capacity: base.capacity ?? null,
        serializedFraction: base.serializedFraction ?? 0,
        contention: base.contention ?? 0,
      }
    : { capacity: chosen.capacity, serializedFraction: chosen.serializedFraction, contention: chosen.contention };
}
