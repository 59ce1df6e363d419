import { MockConfigError, resolveProfile, type Profile } from '../../mock-server/index.js';
import { createOrgTokenProviders } from '../client/auth/createTokenProviders.js';
import { DataverseClient } from '../client/DataverseClient.js';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import type { TargetSpec } from '../target/resolveTarget.js';
import { bootstrapCosts, latencyFigures, type FigureIntervals } from './bootstrapCosts.js';
import { emptySamples } from './CostSamples.js';
import { fitCosts } from './fitCosts.js';
import { BudgetSpent, ProbeBudget } from './ProbeBudget.js';
import { callOfOne } from './callOfOne.js';
import { CostProbe, type CostProbeOptions } from './probeCosts.js';
import { probeLocally } from './probeLocally.js';
import { ProbeRecords } from './ProbeRecords.js';

export interface CheckOptions {
  readonly target: Extract<TargetSpec, { kind: 'org' }>;
  readonly profilePath: string;
  readonly allowWrites: boolean;
  readonly signal?: AbortSignal | undefined;
}

/** One figure of the profile, measured again. */
export interface FigureCheck {
  /** Its path in the profile: `latency.create.baseMs`. */
  readonly figure: string;
  readonly profile: number;
  /** The profile's 90% interval for it, or null when the profile states none. */
  readonly profileInterval: readonly [number, number] | null;
  readonly now: number;
  readonly nowInterval: readonly [number, number];
  /** (now − profile) ÷ profile, in %. */
  readonly changePercent: number;
  /** The profile's time of the cheapest call the figure is part of (see `callOfOne`), in ms. */
  readonly callMs: number;
  /** What the change does to that call: (now − profile) × its count in the call ÷ the call's time, in %. */
  readonly callChangePercent: number;
  /** Within both measurements' intervals, or moves that call by 15% of its time or less (1 ms at least). */
  readonly holds: boolean;
}

export interface ProfileCheck {
  readonly profilePath: string;
  readonly profile: string;
  /** The org the profile was measured on (null: a hand-made profile), and the one checked now. */
  readonly measuredOn: string | null;
  readonly checkedOn: string;
  readonly checkedAt: string;
  readonly figures: readonly FigureCheck[];
  /** Every figure holds. */
  readonly matches: boolean;
  readonly requests: number;
  readonly elapsedMs: number;
  readonly cleanup: { readonly deleted: number; readonly failed: number; readonly leftBehind: number | null };
}

/** Few calls per figure: under 300 requests with writes, cleanup included. */
const CHECK_PLAN: Omit<CostProbeOptions, 'writes'> = { samples: 12, sizes: [1, 25], sizeRepeats: 4 };

/**
 * A change that moves the cheapest call a figure is part of by less than this share of its time
 * is never reported. Two sessions on one org differ by more than either's samples show (the
 * org's load and the client machine's move between them): the figures' intervals hold the
 * samples' spread only, and an 8 ms read moved 1.5 ms (−19%) between two quiet sessions on one
 * machine. What a profile predicts turns on whole calls, so a change is judged by its call.
 */
const MIN_CALL_SHARE = 0.15;
/** The machine's own timer noise: a change under this is never reported. */
const MIN_CHANGE_MS = 1;

/** Half the width, in ln, of a 90% interval. */
function logHalfWidth(interval: readonly [number, number] | null): number {
  if (interval === null || interval[0] <= 0 || interval[1] <= 0) return 0;
  return Math.log(interval[1] / interval[0]) / 2;
}

/**
 * Each figure measured now against the profile. A figure has drifted when its change is
 * beyond both measurements' intervals (their half-widths in ln, combined as independent errors
 * add) and it moves the cheapest call the figure is part of (see `callOfOne`) by more than 15%
 * of that call's time, and by more than 1 ms.
 */
export function compareFigures(
  profile: Profile,
  now: ReadonlyMap<string, number>,
  nowIntervals: FigureIntervals,
): FigureCheck[] {
  const stated = profile.profile.uncertainty?.figures ?? {};
  const was = latencyFigures(profile.mock.latency);
  return [...now.entries()].flatMap(([figure, value]) => {
    const before = was.get(figure);
    if (before === undefined) return [];
    const profileInterval = stated[figure] ?? null;
    const nowInterval = nowIntervals[figure] ?? [value, value];
    const spread = Math.hypot(logHalfWidth(profileInterval), logHalfWidth(nowInterval));
    const call = callOfOne(figure, was);
    const movedMs = Math.abs(value - before) * call.times;
    const allowedMs = Math.max(MIN_CHANGE_MS, MIN_CALL_SHARE * call.ms, before * (Math.exp(spread) - 1) * call.times);
    return [
      {
        figure,
        profile: before,
        profileInterval,
        now: value,
        nowInterval,
        changePercent: before > 0 ? Math.round(((value - before) / before) * 1000) / 10 : 0,
        callMs: Math.round(call.ms * 10) / 10,
        callChangePercent: call.ms > 0 ? Math.round((((value - before) * call.times) / call.ms) * 1000) / 10 : 0,
        holds: movedMs <= allowedMs,
      },
    ];
  });
}

/** The profile to check, or a usage error that names the file and what is wrong with it. */
function readProfile(path: string): Profile {
  try {
    return resolveProfile(path).profile;
  } catch (error) {
    if (!(error instanceof MockConfigError)) throw error;
    throw errorCatalogue.DVB_ERR_USAGE(`dvbench calibrate --check: ${path}: ${error.problems.join('; ')}`);
  }
}

/**
 * `dvbench calibrate --check PROFILE`: probes the org again with a small sample (about 120
 * requests reading, under 300 writing, cleanup included), fits it as calibrate does, and says
 * figure by figure whether the org still matches the profile. Scaling is not probed again: a
 * sweep costs more than a check should.
 */
export async function checkProfile(o: CheckOptions): Promise<ProfileCheck> {
  const profile = readProfile(o.profilePath);
  if (profile.profile.uncertainty === null && profile.profile.measuredOn === null)
    throw errorCatalogue.DVB_ERR_USAGE(
      `dvbench calibrate --check: ${o.profilePath} is not a calibrated profile (no measuredOn, no ` +
        'uncertainty): there is nothing measured to check. Calibrate the org with --out first.',
    );
  const budget = new ProbeBudget({ maxRequests: 300, maxMs: 5 * 60_000, minHeadroom: 500 });
  const identities = await createOrgTokenProviders(o.target.url, o.target.identities.slice(0, 1), {
    authorityHost: o.target.authorityHost,
  });
  const client = new DataverseClient({ url: o.target.url, identities, connections: 8, signal: o.signal });
  const cleaner = new DataverseClient({ url: o.target.url, identities, connections: 4 });
  budget.track(client);
  budget.track(cleaner);
  const records = new ProbeRecords(cleaner);
  budget.reserveFor(() => records.cleanupRequests + 2);
  try {
    // The local side costs the org nothing: as many samples as calibrate takes, so a cold
    // local process does not bias what is subtracted from the org's few.
    const local = await probeLocally(o.allowWrites, { ...CHECK_PLAN, samples: 30, sizeRepeats: 6 });
    const samples = emptySamples();
    let cleanup = { deleted: 0, failed: 0 };
    try {
      await new CostProbe(client, records, budget, { ...CHECK_PLAN, writes: o.allowWrites }).run(samples);
    } catch (error) {
      // A spent budget or the org's headroom ends the probes: what was measured is compared.
      if (!(error instanceof BudgetSpent)) throw error;
    } finally {
      cleanup = await records.deleteAll();
    }
    const leftBehind = await records.countLeft();
    const figures = compareFigures(profile, latencyFigures(fitCosts(samples, local)), bootstrapCosts(samples, local));
    return {
      profilePath: o.profilePath,
      profile: profile.profile.name,
      measuredOn: profile.profile.measuredOn,
      checkedOn: client.origin,
      checkedAt: new Date().toISOString(),
      figures,
      matches: figures.length > 0 && figures.every((f) => f.holds),
      requests: budget.requests,
      elapsedMs: budget.elapsedMs,
      cleanup: { ...cleanup, leftBehind: leftBehind ?? null },
    };
  } finally {
    await client.close();
    await cleaner.close();
  }
}
