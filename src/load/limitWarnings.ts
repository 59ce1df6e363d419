import { arrivalTimes, type Ramp } from '../scenario/arrivalSchedule.js';

/**
 * Dataverse's service protection limits per user (Learn, "Service protection API limits"), or the
 * mock's as configured.
 */
export interface UserLimits {
  readonly enabled: boolean;
  readonly requestsPerWindow: number;
  readonly windowSeconds: number;
  readonly concurrentRequests: number;
}

/** Dataverse's own: what an org enforces. */
export const DATAVERSE_LIMITS: UserLimits = {
  enabled: true,
  requestsPerWindow: 6000,
  windowSeconds: 300,
  concurrentRequests: 52,
};

/** The most arrivals the stages plan within any one window of `windowMs`. */
export function peakArrivals(ramps: readonly Ramp[], windowMs: number): number {
  const times: number[] = [];
  let head = 0;
  let peak = 0;
  for (const t of arrivalTimes(ramps)) {
    times.push(t);
    while ((times[head] ?? t) <= t - windowMs) head++;
    peak = Math.max(peak, times.length - head);
    // Keep the array from growing with the whole run.
    if (head > 65_536) {
      times.splice(0, head);
      head = 0;
    }
  }
  return peak;
}

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * What a load test is told before it starts when its plan cannot fit the limits of the users
 * it signs in as: more in flight than they may have in progress, or more arrivals in one
 * window than they may send. Each operation is at least one request, so these are lower bounds.
 */
export function limitWarnings(
  plan: { readonly maxInFlight: number; readonly ramps: readonly Ramp[]; readonly identities: number },
  limits: UserLimits,
): string[] {
  if (!limits.enabled) return [];
  const warnings: string[] = [];
  const users = plan.identities;
  const who = users === 1 ? 'one user' : `${users} users`;
  const concurrent = limits.concurrentRequests * users;
  if (plan.maxInFlight > concurrent)
    warnings.push(
      `maxInFlight ${plan.maxInFlight} is above the ${count(concurrent)} requests ${who} may have in ` +
        `progress at once (${limits.concurrentRequests} per user): past it the target answers ` +
        `429 at once (concurrent requests, 0x80072326). Lower maxInFlight or add identities.`,
    );
  const allowed = limits.requestsPerWindow * users;
  const peak = peakArrivals(plan.ramps, limits.windowSeconds * 1000);
  if (peak > allowed)
    warnings.push(
      `the stages plan up to ` +
        `${count(peak)} arrivals within ` +
        `${limits.windowSeconds} s, above the ` +
        `${count(allowed)} requests ${who} may send in that window (${count(limits.requestsPerWindow)} per user): expect ` +
        `429s (number of requests, 0x80072322) once it fills. Lower the rate or add identities.`,
    );
  return warnings;
}
