import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandInOrg, type StandInOrg } from '../../bench/standIn/startStandInOrg.js';
import { profileSchema } from '../../mock-server/index.js';
import type { CalibrationResult } from '../../src/calibrate/Calibration.js';
import { runCli } from '../helpers/runCli.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

const lognormal = (baseMs: number) => ({ baseMs, distribution: 'lognormal', sigma: 0.15 }) as const;

/** What the stand-in costs: the calibrator is never told. */
const HIDDEN = {
  latency: {
    // 16 ms, not 8: a loaded machine moves a read by 1-2 ms between two sessions, 20% of 8.
    read: lognormal(16),
    default: lognormal(16),
    create: lognormal(20),
    update: lognormal(25),
    upsert: lognormal(32),
    delete: lognormal(20),
    changeset: { baseMs: 12, distribution: 'none' },
    batch: { baseMs: 15, distribution: 'none' },
    batchItem: lognormal(10),
    bulk: { baseMs: 20, distribution: 'none' },
    bulkCreate: lognormal(3),
    bulkUpdate: lognormal(6),
    perRecordMs: 0.02,
  },
  // Two web servers of two: four operations at once for a client that drops the cookie.
  webServers: 2,
  capacity: 2,
  dopHint: 4,
} as const;
// 12 ms, not 6: a loaded machine moves a loopback round trip by about 1 ms, which would be 16% of 6.
const ROUND_TRIP_MS = 12;

async function apiGet(org: StandInOrg, path: string): Promise<{ value: Record<string, unknown>[] }> {
  const res = await request(`${org.url}/api/data/v9.2/${path}`, {
    headers: { authorization: `Bearer ${org.token}`, accept: 'application/json' },
  });
  return (await res.body.json()) as { value: Record<string, unknown>[] };
}

function calibrate(org: StandInOrg, out: string, args: readonly string[]) {
  return runCli(['calibrate', '--out', out, ...args], {
    timeoutMs: 170_000,
    env: { DATAVERSE_URL: org.url, DATAVERSE_TOKEN: org.token },
  });
}

describe('dvbench calibrate against a stand-in org', () => {
  let org: StandInOrg;
  /** The first test's profile, for the drift checks. */
  let calibrated: string | undefined;
  beforeAll(async () => {
    org = await startStandInOrg(HIDDEN, ROUND_TRIP_MS);
  });
  afterAll(async () => {
    await org.close();
  });

  it('fits costs it was not told, validates held-out strategies, and leaves no record behind', async () => {
    const out = join(await tempDir('dvbench-calibrate-'), 'org.yaml');
    const r = await calibrate(org, out, ['--allow-writes', '--validate', '20']);
    expect(r.code, r.stderr).toBe(0);
    const profile = profileSchema.parse(parse(await readFile(out, 'utf8')));
    const { latency } = profile.mock;
    expect(latency.roundTripMs).toBeGreaterThan(ROUND_TRIP_MS * 0.6);
    expect(latency.roundTripMs).toBeLessThan(ROUND_TRIP_MS * 1.6);
    expect(latency.create?.baseMs).toBeGreaterThan(20 * 0.7);
    expect(latency.create?.baseMs).toBeLessThan(20 * 1.3);
    expect(latency.bulkCreate?.baseMs).toBeLessThan(latency.batchItem?.baseMs ?? 0);
    expect(latency.upsert?.baseMs).toBeGreaterThan(32 * 0.7);
    expect(latency.upsert?.baseMs).toBeLessThan(32 * 1.3);
    // A difference of two medians of 16: looser than a single kind's cost.
    expect(latency.changeset?.baseMs).toBeGreaterThan(12 * 0.5);
    expect(latency.changeset?.baseMs).toBeLessThan(12 * 1.6);
    expect(profile.mock.webServers).toBe(2);
    // Two servers of capacity 2 are a plateau of 4 operations at once, as a capacity per server or a serialized share.
    const servedAtOnce =
      profile.mock.capacity === null ? 1 / profile.mock.serializedFraction : profile.mock.capacity * 2;
    expect(servedAtOnce).toBeGreaterThanOrEqual(3);
    expect(servedAtOnce).toBeLessThanOrEqual(5.5);
    expect(profile.profile.fit?.medianAbsErrorPercent).toBeDefined();
    const details = JSON.parse(
      await readFile(out.replace(/\.yaml$/, '.calibration.json'), 'utf8'),
    ) as CalibrationResult;
    expect(details.validation.map((v) => v.strategy)).toEqual([
      'sequential',
      'async:4',
      'async:8',
      'async:12',
      'batch:20x1',
      'bulk:20x1',
      'transaction:1',
    ]);
    // The profile says how sure it is: each figure within its own 90% interval, the predictions' spread
    // from the seven held-out strategies, and the org it was measured on for --check.
    const u = profile.profile.uncertainty;
    expect(u?.basis).toBe('validation');
    expect(u?.degreesOfFreedom).toBe(details.validation.length);
    expect(u?.predictionLogSd).toBeGreaterThan(0);
    const [low, high] = u?.figures['latency.create.baseMs'] ?? [0, 0];
    expect(low).toBeLessThanOrEqual(latency.create?.baseMs ?? -1);
    expect(high).toBeGreaterThanOrEqual(latency.create?.baseMs ?? Infinity);
    expect(high / low).toBeLessThan(1.6);
    expect(profile.profile.measuredOn).toBe(new URL(org.url).origin);
    calibrated = out;
    for (const v of details.validation) expect(Math.abs(v.errorPercent), v.strategy).toBeLessThan(35);
    expect(details.cleanup).toEqual({ deleted: details.cleanup.deleted, failed: 0, leftBehind: 0 });
    expect(details.requests).toBeLessThanOrEqual(3000);
    // What the calibration counted against its budget is what the org served, or more: the
    // validation's share is estimated (its runs use their own clients), never under.
    const served = ((await (await fetch(`${org.mockUrl}/_mock/stats`)).json()) as { requests: { total: number } })
      .requests.total;
    expect(details.requests).toBeGreaterThanOrEqual(served - 1);
    expect(details.requests).toBeLessThan(served * 1.1);
    expect(details.fromDefault).toEqual(['limits']);
    // The org holds nothing the calibration made: probes and validation runs alike.
    expect((await apiGet(org, 'accounts?$select=accountid')).value).toHaveLength(0);
    expect(r.stdout).toMatch(/^ {2}sequential +[\d.]+ +[\d.]+ +[+-][\d.]+%/m);
    expect(r.stdout).toContain('left behind: 0');
    expect(r.stdout).toMatch(
      /^uncertainty: a run on the mock with this profile shows each throughput with its 90% interval, here ±\d+% \(from 7 held-out strategies\)/m,
    );
  }, 180_000);

  it('keeps to a small request budget: stops probing, fits what it has, says what came from default', async () => {
    const out = join(await tempDir('dvbench-calibrate-'), 'small.yaml');
    const r = await calibrate(org, out, ['--allow-writes', '--max-requests', '150', '--name', 'tiny-budget']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('probing stopped early: the request budget (150, cleanup held back) was spent');
    expect(r.stdout).toContain('validation: not run (probing stopped early');
    const details = JSON.parse(
      await readFile(out.replace(/\.yaml$/, '.calibration.json'), 'utf8'),
    ) as CalibrationResult;
    expect(details.requests).toBeLessThanOrEqual(150);
    expect(details.fromDefault).toContain('capacity');
    expect(details.cleanup.leftBehind).toBe(0);
    const profile = profileSchema.parse(parse(await readFile(out, 'utf8')));
    expect(profile.profile.name).toBe('tiny-budget');
    expect(profile.profile.source).toContain('From the default profile');
    expect((await apiGet(org, 'accounts?$select=accountid')).value).toHaveLength(0);
  }, 60_000);

  it("without --allow-writes it only reads: the org's records are unchanged, writes' costs come from default", async () => {
    const seeded = await request(`${org.mockUrl}/_mock/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seed: 3, counts: { account: 60 } }),
    });
    expect(seeded.statusCode).toBe(200);
    const before = await apiGet(org, 'accounts?$select=accountid,name,modifiedon&$orderby=accountid');
    const out = join(await tempDir('dvbench-calibrate-'), 'reads.yaml');
    const r = await calibrate(org, out, ['--validate', '20']);
    expect(r.code, r.stderr).toBe(0);
    const details = JSON.parse(
      await readFile(out.replace(/\.yaml$/, '.calibration.json'), 'utf8'),
    ) as CalibrationResult;
    expect(details.samples.create).toEqual([]);
    expect(details.samples.batchKind).toBe('read');
    expect(details.measured).toContain('latency.read');
    expect(details.fromDefault).toEqual(
      expect.arrayContaining(['latency.create', 'latency.batchItem', 'latency.bulk']),
    );
    expect(details.validation.map((v) => v.strategy)).toEqual([
      'sequential',
      'async:4',
      'async:8',
      'async:12',
      'batch:20x1',
    ]);
    expect(await apiGet(org, 'accounts?$select=accountid,name,modifiedon&$orderby=accountid')).toEqual(before);
  }, 120_000);

  it('--check: the same org still matches the profile, figure by figure, and no record is left', async () => {
    expect(calibrated).toBeDefined();
    const before = (await apiGet(org, 'accounts?$select=accountid')).value.length;
    const r = await runCli(['calibrate', '--check', calibrated ?? '', '--allow-writes'], {
      timeoutMs: 100_000,
      env: { DATAVERSE_URL: org.url, DATAVERSE_TOKEN: org.token },
    });
    expect(r.stdout).toMatch(/^ {2}latency\.create\.baseMs .* yes$/m);
    const check = JSON.parse(await readFile((calibrated ?? '').replace(/\.yaml$/, '.check.json'), 'utf8')) as {
      requests: number;
      figures: { figure: string; holds: boolean }[];
      cleanup: { leftBehind: number };
    };
    // Every figure holds: two sessions on one org differ by more than either's intervals show,
    // and a change is judged by what it does to the cheapest call the figure is part of.
    expect(
      check.figures.filter((f) => !f.holds),
      r.stdout,
    ).toEqual([]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/the org still matches the profile \(\d+ figures\)/);
    expect(check.requests).toBeLessThan(300);
    expect(check.figures.map((f) => f.figure)).toContain('latency.roundTripMs');
    expect(check.cleanup.leftBehind).toBe(0);
    expect((await apiGet(org, 'accounts?$select=accountid')).value).toHaveLength(before);
  }, 120_000);

  it('--check: an org whose writes got three times dearer has drifted (exit 1), and says which figures', async () => {
    const dearer = {
      ...HIDDEN,
      latency: { ...HIDDEN.latency, create: lognormal(60), update: lognormal(75), upsert: lognormal(96) },
    };
    const other = await startStandInOrg(dearer, ROUND_TRIP_MS);
    try {
      const r = await runCli(['calibrate', '--check', calibrated ?? '', '--allow-writes'], {
        timeoutMs: 100_000,
        env: { DATAVERSE_URL: other.url, DATAVERSE_TOKEN: other.token },
      });
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^ {2}latency\.create\.baseMs .* NO$/m);
      // A figure that did not change still holds.
      expect(r.stdout).toMatch(/^ {2}latency\.delete\.baseMs .* yes$/m);
      expect(r.stdout).toContain('the org drifted from the profile: ');
      expect(r.stdout).toContain(
        `note: measured on ${new URL(org.url).origin}, checked on ${new URL(other.url).origin}`,
      );
    } finally {
      await other.close();
    }
  }, 120_000);

  it('--check names a profile file that is not there (exit 2)', async () => {
    const r = await runCli(['calibrate', '--check', 'profiles/nosuch.yaml'], {
      env: { DATAVERSE_URL: org.url, DATAVERSE_TOKEN: org.token },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('dvbench calibrate --check: profiles/nosuch.yaml: profile file not found');
  });

  it('--check refuses a profile nobody measured, before it sends a request', async () => {
    const r = await runCli(['calibrate', '--check', 'default'], {
      env: { DATAVERSE_URL: org.url, DATAVERSE_TOKEN: org.token },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a calibrated profile');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
