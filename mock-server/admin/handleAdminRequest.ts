import { z } from 'zod';
import { formatIssuePath } from '../../util/formatIssuePath.js';
import type { MockContext } from '../MockContext.js';
import { DataverseError } from '../errors/DataverseError.js';
import { seedData } from './seedData.js';
import { adminErrors, type AdminResponse } from './adminErrors.js';

export type { AdminResponse } from './adminErrors.js';

const seedSchema = z.strictObject({
  seed: z.int().default(1),
  counts: z.record(z.string(), z.int().min(0).max(2_000_000)),
  reset: z.boolean().default(true),
  referenceDate: z.iso.datetime({ offset: true }).optional(),
});

/** The starting instant for seeded dates: today at 00:00 UTC, so one day's runs share identical data. */
function defaultReferenceTime(now: number): number {
  return Math.floor(now / 86_400_000) * 86_400_000;
}

/** `POST /_mock/seed`: generates records from a seed, replacing what is there unless `reset: false`. */
function seed(body: string, ctx: MockContext): AdminResponse {
  let json: unknown;
  try {
    json = JSON.parse(body === '' ? '{}' : body);
  } catch (error) {
    return adminErrors.DVB_MOCK_SEED_INVALID(`seed body is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = seedSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${formatIssuePath(i.path)}: ${i.message}`);
    return adminErrors.DVB_MOCK_SEED_INVALID(`invalid seed request: ${problems.join('; ')}`);
  }
  const total = Object.values(parsed.data.counts).reduce((a, n) => a + n, 0);
  if (total > ctx.config.maxSeedRecords) {
    return adminErrors.DVB_MOCK_SEED_TOO_LARGE(
      `invalid seed request: ${total} records in all; at most ${ctx.config.maxSeedRecords} per request ` +
        `(maxSeedRecords), so the mock stays responsive and within memory`,
    );
  }
  const unknown = Object.keys(parsed.data.counts).filter((t) => ctx.catalogue.byLogicalName(t) === undefined);
  if (unknown.length > 0) {
    return adminErrors.DVB_MOCK_SEED_INVALID(
      `invalid seed request: counts.${unknown[0] ?? ''}: no table with that logical name`,
    );
  }
  const referenceTime =
    parsed.data.referenceDate === undefined ? defaultReferenceTime(ctx.now()) : Date.parse(parsed.data.referenceDate);
  if (parsed.data.reset) ctx.store.clear();
  try {
    // All or nothing: a seed that meets records already there (reset: false on a seeded table)
    // leaves the store as it was.
    const created = ctx.store.transaction(() =>
      seedData({ seed: parsed.data.seed, counts: parsed.data.counts, referenceTime }, ctx.catalogue, ctx.store),
    );
    return { status: 200, body: { created, records: ctx.store.counts() } };
  } catch (error) {
    if (!(error instanceof DataverseError)) throw error;
    return adminErrors.DVB_MOCK_SEED_INVALID(
      `invalid seed request: it generates records that are already there (${error.message}); with reset: ` +
        `false, seed only tables that are empty`,
    );
  }
}

/**
 * `/_mock/*`: health, stats, reset and seed. Outside the Web API root, not authenticated, and
 * never throttled: these are for the harness, not part of what it measures.
 */
export function handleAdminRequest(
  method: string,
  path: string,
  body: string,
  ctx: MockContext,
  extraStats: () => Record<string, unknown>,
): AdminResponse {
  const route = path.replace(/^\/_mock\/?/, '');
  const allow = (m: string): AdminResponse | undefined =>
    method === m ? undefined : adminErrors.DVB_MOCK_METHOD(`${method} is not allowed on /_mock/${route}; use ${m}.`);
  switch (route) {
    case 'health':
      return (
        allow('GET') ?? {
          status: 200,
          body: { status: 'ok', uptimeSeconds: Math.round((Date.now() - ctx.stats.startedAt) / 1000) },
        }
      );
    case 'stats':
      return (
        allow('GET') ?? {
          status: 200,
          body: { requests: ctx.stats.snapshot(), records: ctx.store.counts(), ...extraStats() },
        }
      );
    case 'reset':
      if (method !== 'POST') return adminErrors.DVB_MOCK_METHOD(`${method} is not allowed on /_mock/reset; use POST.`);
      ctx.store.clear();
      ctx.stats.reset();
      ctx.protection.reset();
      ctx.faults.reset();
      ctx.gate.resetStats();
      ctx.sampler.resetPluginStats();
      ctx.webServers.reset();
      return { status: 200, body: { records: ctx.store.counts() } };
    case 'seed': {
      const notAllowed = allow('POST');
      if (notAllowed !== undefined) return notAllowed;
      return seed(body, ctx);
    }
    default:
      return adminErrors.DVB_MOCK_NOT_FOUND(`no admin endpoint /_mock/${route}; try health, stats, reset or seed.`);
  }
}
