import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILT_IN_PROFILES, type MockConfigInput } from '../mock-server/index.js';
import type { CalibrationResult } from '../src/calibrate/Calibration.js';
import { median } from '../src/metrics/statistics.js';
import { startStandInOrg } from './standIn/startStandInOrg.js';

const BIN = fileURLToPath(new URL('../../bin/dvbench.js', import.meta.url));

const ln = (baseMs: number, sigma = 0.2) => ({ baseMs, distribution: 'lognormal', sigma }) as const;

/**
 * Orgs the calibrator is never told about: different costs, round trips and scaling. `default`
 * is the built-in profile itself (capacity and a serialized share at once, which no single
 * candidate of the fit is); the others cap throughput one way each. Each draws its service
 * times from its own seed: with the mock's default seed on both sides, every run met the same
 * draws, and one draw's luck read as a bias of the method.
 */
const STAND_INS: { name: string; config: MockConfigInput; roundTripMs: number }[] = [
  {
    name: 'remote-serialized',
    roundTripMs: 20,
    config: {
      seed: 7,
      latency: {
        read: ln(8),
        default: ln(8),
        create: ln(25),
        update: ln(30),
        delete: ln(25),
        batch: ln(20, 0.1),
        batchItem: ln(12),
        bulk: ln(30, 0.1),
        bulkCreate: ln(4),
        bulkUpdate: ln(10),
        perRecordMs: 0.03,
      },
      serializedFraction: 0.1,
      dopHint: 8,
    },
  },
  {
    // Two web servers of capacity 4 behind the affinity cookie: 8 at once for a client that drops it.
    name: 'two-servers-of-4',
    roundTripMs: 4,
    config: {
      seed: 8,
      latency: {
        read: ln(15),
        default: ln(15),
        create: ln(50),
        update: ln(60),
        upsert: ln(75),
        delete: ln(55),
        batch: ln(40, 0.1),
        batchItem: ln(25),
        changeset: ln(15, 0.1),
        bulk: ln(60, 0.1),
        bulkCreate: ln(6),
        bulkUpdate: ln(18),
        perRecordMs: 0.05,
      },
      webServers: 2,
      capacity: 4,
      dopHint: 8,
    },
  },
  {
    // Past its knee this org loses throughput (contention), its tails are long, and a
    // synchronous plug-in makes contact creates dear: three web servers of capacity 3.
    name: 'contended-three-servers',
    roundTripMs: 15,
    config: {
      seed: 10,
      latency: {
        read: ln(12, 0.45),
        default: ln(12, 0.45),
        create: ln(40, 0.45),
        update: ln(45, 0.45),
        delete: ln(40, 0.45),
        batch: ln(30, 0.1),
        batchItem: ln(20, 0.45),
        changeset: ln(12, 0.1),
        bulk: ln(45, 0.1),
        bulkCreate: ln(5, 0.45),
        bulkUpdate: ln(14, 0.45),
        perRecordMs: 0.04,
      },
      webServers: 3,
      capacity: 3,
      contention: 0.03,
      dopHint: 6,
      plugins: [{ name: 'contact audit', table: 'contact', messages: ['create'], ms: 60 }],
    },
  },
  {
    // A slow network to a database-bound org whose throughput falls past the knee.
    name: 'remote-retrograde',
    roundTripMs: 35,
    config: {
      seed: 12,
      latency: {
        read: ln(10),
        default: ln(10),
        create: ln(35, 0.3),
        update: ln(40, 0.3),
        delete: ln(30),
        batch: ln(25, 0.1),
        batchItem: ln(15),
        changeset: ln(10, 0.1),
        bulk: ln(40, 0.1),
        bulkCreate: ln(5),
        bulkUpdate: ln(12),
        perRecordMs: 0.03,
      },
      serializedFraction: 0.15,
      contention: 0.02,
      dopHint: 4,
    },
  },
  {
    name: 'default-profile',
    roundTripMs: 10,
    config: {
      ...BUILT_IN_PROFILES.default?.mock,
      seed: 9,
      latency: { ...BUILT_IN_PROFILES.default?.mock.latency, roundTripMs: 0 },
    },
  },
];

function runCalibrate(url: string, token: string, out: string, records: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [BIN, 'calibrate', '--allow-writes', '--out', out, '--validate', String(records)],
      { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DATAVERSE_URL: url, DATAVERSE_TOKEN: token } },
    );
    child.on('error', reject);
    child.on('close', resolve);
  });
}

export interface StandInAccuracy {
  readonly standIn: string;
  readonly errors: Readonly<Record<string, number>>;
  readonly medianAbsErrorPercent: number;
  readonly maxAbsErrorPercent: number;
  readonly requests: number;
  readonly minutes: number;
  readonly leftBehind: number | null;
  readonly scaling: string;
}

/**
 * Calibrates against stand-in orgs and scores the profile on held-out strategies: the
 * validation `dvbench calibrate` prints, gathered over orgs with different costs.
 */
export async function calibrationAccuracy(quick: boolean, only?: readonly string[]): Promise<StandInAccuracy[]> {
  const results: StandInAccuracy[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'dvbench-bench-calibrate-'));
  try {
    const chosen = only === undefined ? STAND_INS : STAND_INS.filter((s) => only.includes(s.name));
    for (const s of quick ? chosen.slice(0, 1) : chosen) {
      const org = await startStandInOrg(s.config, s.roundTripMs);
      try {
        const out = join(dir, `${s.name}.yaml`);
        const code = await runCalibrate(org.url, org.token, out, quick ? 40 : 60);
        if (code !== 0) throw new Error(`dvbench calibrate against ${s.name} exited ${code}`);
        const r = JSON.parse(await readFile(out.replace(/\.yaml$/, '.calibration.json'), 'utf8')) as CalibrationResult;
        const abs = r.validation.map((v) => Math.abs(v.errorPercent));
        results.push({
          standIn: s.name,
          errors: Object.fromEntries(r.validation.map((v) => [v.strategy, Math.round(v.errorPercent * 10) / 10])),
          medianAbsErrorPercent: median(abs),
          maxAbsErrorPercent: Math.max(...abs),
          requests: r.requests,
          minutes: r.elapsedMs / 60_000,
          leftBehind: r.cleanup.leftBehind,
          scaling: r.scaling?.chosen.name ?? 'default',
        });
      } finally {
        await org.close();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}
