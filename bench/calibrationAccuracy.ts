import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILT_IN_PROFILES, type MockConfigInput } from '../mock-server/index.js';
import type { CalibrationResult } from '../src/calibrate/Calibration.js';
import { median } from '../src/metrics/statistics.js';
import type { RunResults } from '../src/runner/RunResults.js';
import { startStandInOrg, type StandInOrg } from './standIn/startStandInOrg.js';

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

/** One held-out strategy of the bench's own scenario: predicted on the mock, measured on the stand-in. */
/** `serialized`, `capacity+contention 0.02`: how the calibration capped throughput. */
function scalingName(r: CalibrationResult): string {
  const chosen = r.scaling?.chosen;
  if (chosen === undefined) return 'default';
  return chosen.contention > 0 ? `${chosen.name}+contention ${chosen.contention}` : chosen.name;
}

interface HeldOutCase {
  readonly strategy: string;
  readonly predicted: number;
  readonly low: number | null;
  readonly high: number | null;
  readonly measured: number;
  readonly errorPercent: number;
  /** The measured throughput fell inside the prediction's 90% interval; null without one. */
  readonly covered: boolean | null;
}

/**
 * Operations of the held-out job. Both sides draw service times, so each side's throughput is a
 * sample: with 60 operations on an org whose times spread 0.45 in logs, one side's mean service time moves
 * about 6% from run to run, and the two sides' difference about 8.5%, the size of the ±10% goal
 * itself. 150 made that about 5%, but not the drain: at 3× the dop hint 150 operations are
 * 8 rounds and under a second, and the last few long-tailed calls set the end. Five runs on the
 * contended stand-in measured async:18 at 169 to 210 operations/s while the prediction of one
 * shape stayed at 208. 400 operations make the drain a third of that share.
 */
const HELD_OUT_OPERATIONS = 400;

/**
 * A job the calibration never saw, for the intervals' honesty: a mixed read/update/create
 * workload on seeded records, sequential and async at 1, 2 and 3 times the dop hint.
 */
function heldOutScenario(dopHint: number, prefix: string): string {
  return [
    'name: bench-held-out',
    'seed: 23',
    `data: { account: ${HELD_OUT_OPERATIONS} }`,
    `workloads: [{ kind: mixed, table: account, count: ${HELD_OUT_OPERATIONS}, weights: { read: 2, update: 1, insert: 1 }, values: { name: "${prefix} m{i}" } }]`,
    `strategies: [sequential, async:${dopHint}, async:${2 * dopHint}, async:${3 * dopHint}]`,
    'repetitions: 1',
    'warmup: 1',
  ].join('\n');
}

function runScenario(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'run', ...args, '--quiet'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env,
    });
    child.on('error', reject);
    child.on('close', resolve);
  });
}

/** The held-out scenario on the stand-in and on the mock with the profile; each strategy compared. */
async function heldOut(org: StandInOrg, profile: string, dir: string, dopHint: number): Promise<HeldOutCase[]> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'held-out.yaml');
  await writeFile(file, heldOutScenario(dopHint, 'dvbench-bench'));
  const env = { ...process.env, DATAVERSE_URL: org.url, DATAVERSE_TOKEN: org.token };
  const onOrg = await runScenario([file, '--allow-writes', '--out', join(dir, 'org')], env);
  const mockEnv = { ...process.env };
  delete mockEnv.DATAVERSE_URL;
  delete mockEnv.DATAVERSE_TOKEN;
  const onMock = await runScenario(
    [file, '--target', 'mock', '--profile', profile, '--out', join(dir, 'mock')],
    mockEnv,
  );
  if (onOrg !== 0 || onMock !== 0) throw new Error(`held-out runs exited ${onOrg} (stand-in) and ${onMock} (mock)`);
  const read = async (side: string): Promise<RunResults> =>
    JSON.parse(await readFile(join(dir, side, 'results.json'), 'utf8')) as RunResults;
  const [measured, predicted] = [await read('org'), await read('mock')];
  return predicted.strategies.flatMap((p) => {
    const m = measured.strategies.find((s) => s.name === p.name);
    if (m === undefined || m.throughput.opsPerSec <= 0) return [];
    const interval = p.throughput.interval;
    const x = m.throughput.opsPerSec;
    return [
      {
        strategy: p.name,
        predicted: p.throughput.opsPerSec,
        low: interval?.low ?? null,
        high: interval?.high ?? null,
        measured: x,
        errorPercent: ((p.throughput.opsPerSec - x) / x) * 100,
        covered: interval === undefined ? null : x >= interval.low && x <= interval.high,
      },
    ];
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
  /** The bench's own held-out job: not part of the calibration's validation, which sets the intervals. */
  readonly heldOut: readonly HeldOutCase[];
}

/**
 * Calibrates against stand-in orgs and scores the profile on held-out strategies: the
 * validation `dvbench calibrate` prints, gathered over orgs with different costs.
 */
export async function calibrationAccuracy(
  quick: boolean,
  only?: readonly string[],
  seed?: number,
): Promise<StandInAccuracy[]> {
  const results: StandInAccuracy[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'dvbench-bench-calibrate-'));
  try {
    const chosen = only === undefined ? STAND_INS : STAND_INS.filter((s) => only.includes(s.name));
    for (const s of quick ? chosen.slice(0, 1) : chosen) {
      // Each stand-in draws its costs from its own seed, the same every run: one draw of that
      // org, scored again and again. Another seed scores the calibration on another draw.
      const org = await startStandInOrg(seed === undefined ? s.config : { ...s.config, seed }, s.roundTripMs);
      try {
        const out = join(dir, `${s.name}.yaml`);
        const code = await runCalibrate(org.url, org.token, out, quick ? 40 : 200);
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
          scaling: scalingName(r),
          heldOut: await heldOut(org, out, join(dir, s.name), r.profile.mock.dopHint ?? 4),
        });
      } finally {
        await org.close();
      }
    }
  } finally {
    // Kept on request: the profile and the validation's results are what explain a row that missed.
    if (process.env.DVBENCH_BENCH_KEEP === undefined) await rm(dir, { recursive: true, force: true });
    else console.error(`dvbench bench: kept the calibrations in ${dir}`);
  }
  return results;
}
