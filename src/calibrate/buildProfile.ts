import { BUILT_IN_PROFILES, type ProfileInput } from '../../mock-server/index.js';
import type { ScalingChoice } from './chooseScaling.js';
import type { FittedLatency } from './fitCosts.js';

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
  const measured = Object.keys(facts.costs).map((k) => `latency.${k}`);
  const fromDefault = Object.keys(baseLatency)
    .filter((k) => !Object.hasOwn(facts.costs, k))
    .map((k) => `latency.${k}`);
  const scaling =
    facts.scaling === null
      ? { capacity: base.capacity ?? null, serializedFraction: base.serializedFraction ?? 0 }
      : { capacity: facts.scaling.chosen.capacity, serializedFraction: facts.scaling.chosen.serializedFraction };
  const found: Record<string, boolean> = {
    capacity: facts.scaling !== null,
    serializedFraction: facts.scaling !== null,
    dopHint: facts.dopHint !== undefined,
    webServers: facts.webServers !== undefined,
  };
  for (const [key, wasMeasured] of Object.entries(found)) (wasMeasured ? measured : fromDefault).push(key);
  fromDefault.push('limits');
  const host = new URL(facts.origin).host;
  const day = facts.date.toISOString().slice(0, 10);
  return {
    measured,
    fromDefault,
    profile: {
      profile: {
        name: facts.name,
        version: 1,
        description: `Calibrated by dvbench against ${host} on ${day}.`,
        source:
          `dvbench calibrate against ` +
          `${facts.origin} on ` +
          `${facts.date.toISOString()}, ${facts.requests} requests. Measured: ` +
          `${measured.join(', ') || 'nothing'}. From the default ` +
          `profile (not measurable here): ${fromDefault.join(', ')}; limits are Microsoft's ` +
          `published per-user service protection limits.`,
        createdAt: facts.date.toISOString(),
        samples: facts.requests,
        fit: null,
      },
      mock: {
        latency: { ...baseLatency, ...facts.costs },
        ...scaling,
        dopHint: facts.dopHint ?? base.dopHint ?? 4,
        webServers: facts.webServers ?? base.webServers ?? 1,
        ...(base.limits === undefined ? {} : { limits: base.limits }),
      },
    },
  };
}
