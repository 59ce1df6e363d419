import { isPlainObject, mergeConfig } from '../config/mergeConfig.js';
import { COST_KEYS } from '../config/mockConfigSchema.js';
import { resolveProfile, type ResolvedProfile } from './resolveProfile.js';

/** Where the mock's costs came from, as results.json and every report state it. */
export interface MockCosts {
  /** `profile`: a built-in or file profile (maybe with keys set over it); `hand-set`: the config's own keys only. */
  readonly kind: 'profile' | 'hand-set';
  /** The profile's name (`default`, `zero`, or the file's `profile.name`); null when hand-set. */
  readonly profile: string | null;
  readonly version: number | null;
  /** `built-in`, the profile file's path, or null. */
  readonly origin: string | null;
  readonly description: string;
  /** Where the figures come from. */
  readonly source: string;
  /** Cost keys the config set itself, over the profile's. */
  readonly handSet: readonly string[];
  /**
   * A calibrated profile's prediction spread: what turns each throughput into an interval.
   * Null for a hand-made profile, and when keys set by hand over a profile make its
   * calibration say nothing of them.
   */
  readonly uncertainty: PredictionSpread | null;
}

/** How far a calibrated profile's predictions have strayed from what the org measured. */
interface PredictionSpread {
  readonly confidence: 0.9;
  readonly predictionLogSd: number;
  readonly degreesOfFreedom: number;
  readonly basis: 'validation' | 'figures';
}

export interface ProfileOptions {
  /** Replaces every cost key of the config (`--profile`). */
  readonly override?: string;
  /** Used when the config names no profile and sets none of latency, capacity, serializedFraction, contention. */
  readonly fallback?: string;
  /** Where a relative profile path is resolved from. */
  readonly baseDir?: string;
}

/** Keys that, set by hand, mean the author chose costs: no fallback profile is added under them. */
const CHOSEN_COSTS = ['latency', 'capacity', 'serializedFraction', 'contention'];

function costsOf(resolved: ResolvedProfile, handSet: readonly string[]): MockCosts {
  const { profile } = resolved;
  return {
    kind: 'profile',
    profile: profile.profile.name,
    version: profile.profile.version,
    origin: resolved.origin === 'built-in' ? 'built-in' : resolved.origin.file,
    description: profile.profile.description,
    source: profile.profile.source,
    handSet,
    uncertainty:
      profile.profile.uncertainty === null || handSet.length > 0
        ? null
        : {
            confidence: profile.profile.uncertainty.confidence,
            predictionLogSd: profile.profile.uncertainty.predictionLogSd,
            degreesOfFreedom: profile.profile.uncertainty.degreesOfFreedom,
            basis: profile.profile.uncertainty.basis,
          },
  };
}

const HAND_SET: MockCosts = {
  kind: 'hand-set',
  profile: null,
  version: null,
  origin: null,
  description: "costs set by hand in the mock's configuration",
  source: 'the configuration itself',
  handSet: [],
  uncertainty: null,
};

/**
 * Puts a profile under a raw mock config: the profile's cost keys first, the config's own keys
 * merged over them (key by key). The result has no `profile` key, so applying it twice does
 * nothing more. Which profile applies: `override`, else the config's `profile`, else
 * `fallback` when the config chose no costs itself.
 */
export function applyProfile(
  raw: unknown,
  options: ProfileOptions = {},
): { input: Record<string, unknown>; costs: MockCosts } {
  const given = isPlainObject(raw) ? raw : {};
  const named = typeof given.profile === 'string' ? given.profile : undefined;
  const dropped = new Set<string>(['profile', ...(options.override === undefined ? [] : COST_KEYS)]);
  const config = Object.fromEntries(Object.entries(given).filter(([key]) => !dropped.has(key)));
  // Limits set by hand are wanted, even over a profile that turns them off (zero).
  if (isPlainObject(config.limits) && config.limits.enabled === undefined)
    config.limits = { enabled: true, ...config.limits };
  const chosen = CHOSEN_COSTS.some((key) => config[key] !== undefined);
  const name = options.override ?? named ?? (chosen ? undefined : options.fallback);
  const handSet = COST_KEYS.filter((key) => config[key] !== undefined);
  if (name === undefined) return { input: config, costs: { ...HAND_SET, handSet } };
  const resolved = resolveProfile(name, options.baseDir);
  return { input: mergeConfig(resolved.costs, config), costs: costsOf(resolved, handSet) };
}

/** One line for a terminal or a report: which costs the mock ran, and how far to trust them. */
export function describeMockCosts(costs: MockCosts): string {
  if (costs.kind === 'hand-set') return `hand-set (${costs.handSet.join(', ') || 'no costs: every operation is free'})`;
  const over = costs.handSet.length > 0 ? `, with ${costs.handSet.join(', ')} set over it` : '';
  const origin = costs.origin === 'built-in' ? 'built-in' : `from ${costs.origin ?? '?'}`;
  const warning = costs.profile === 'zero' ? ': no costs, for testing the harness; not Dataverse figures' : '';
  const u = costs.uncertainty;
  const interval =
    u === null
      ? ''
      : `; throughput in brackets is the 90% interval the org's should fall in (spread ` +
        `${(u.predictionLogSd * 100).toFixed(1)}% over ${u.degreesOfFreedom} held-out ` +
        `${u.basis === 'validation' ? 'strategies' : 'figures, no validation ran'})`;
  return `profile ${costs.profile ?? '?'} v${costs.version ?? '?'} (${origin}${over})${warning}${interval}`;
}
