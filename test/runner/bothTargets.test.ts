import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type RunningMockServer } from '../../mock-server/index.js';
import type { RunResults } from '../../src/runner/RunResults.js';
import type { CreatedRecordsManifest } from '../../src/target/createdRecords.js';
import { connectMock, type MockHandle } from '../helpers/useMockServer.js';
import { runCli } from '../helpers/runCli.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();
const BIN = new URL('../../bin/dvbench.js', import.meta.url).pathname;

// A stand-in org: the mock reached by URL and bearer token, holding records of its own that
// no run may change.
let org: RunningMockServer;
let handle: MockHandle;
let before: string;

/** Every record of the tables a run may touch, with the columns a run could change. */
async function orgState(): Promise<string> {
  const out: Record<string, unknown> = {};
  for (const [set, select] of [
    ['accounts', 'accountid,name,telephone1,accountnumber,revenue'],
    ['contacts', 'contactid,lastname,_parentcustomerid_value'],
    ['quotes', 'quoteid,name'],
    ['quotedetails', 'quotedetailid'],
  ] as const)
    out[set] = (await handle.api('GET', `${set}?$select=${select}&$orderby=${select.split(',')[0] ?? ''}`)).json.value;
  return JSON.stringify(out);
}

beforeAll(async () => {
  org = await startMockServer({ port: 0 });
  handle = await connectMock(org);
  await handle.seed({ account: 10, contact: 5 });
  before = await orgState();
});

afterAll(async () => {
  await org.close();
});

const env = (): NodeJS.ProcessEnv => ({ DATAVERSE_URL: org.url, DATAVERSE_TOKEN: handle.token, CI: 'true' });

async function results(outDir: string): Promise<RunResults> {
  return JSON.parse(await readFile(join(outDir, 'results.json'), 'utf8')) as RunResults;
}

const MIXED = `name: both-targets
seed: 7
mock: { profile: zero }
data: { account: 60, contact: 40 }
workloads:
  - { name: reads, kind: read, mode: retrieve, table: account, count: 10, select: [name] }
  - { name: query, kind: read, table: account, count: 3, select: [name], filter: "revenue gt 1000" }
  - { name: updates, kind: update, table: account, count: 10, set: { telephone1: "555-{i}" } }
  - { name: filtered-updates, kind: update, table: contact, count: 5, filter: "lastname ne null", set: { lastname: "L{i}" } }
  - { name: deletes, kind: delete, table: contact, count: 5 }
  - { name: upserts, kind: upsert, table: account, count: 6, key: accountnumber, values: { name: "U{i}" } }
  - { name: quotes, kind: transactional, count: 3, linesPerUnit: 2, failureRate: 0 }
  - { name: inserts, kind: insert, table: contact, count: 8, values: { lastname: "N{i}" }, lookups: { parentcustomerid_account: account } }
  - { name: mix, kind: mixed, table: account, count: 10, weights: { read: 4, update: 3, insert: 2, delete: 1 }, values: { name: "M{i}" } }
strategies: [sequential, { kind: async, workers: 4 }, { kind: batch, size: 10 }, { kind: bulk, size: 10 }]
repetitions: 2
warmup: 1
`;

describe('one scenario, both targets', () => {
  it('paper-reproduction.yaml runs unchanged against an org with --allow-writes, and leaves the org as it was', async () => {
    const outDir = await tempDir('dvbench-both-paper-');
    const cli = await runCli(['run', 'scenarios/paper-reproduction.yaml', '--allow-writes', '--out', outDir], {
      env: env(),
      timeoutMs: 120_000,
    });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stderr).toContain(`target the org ${org.url} (from DATAVERSE_URL)`);
    expect(cli.stderr).toContain("creating the scenario's data (not measured): 300 records");
    const r = await results(outDir);
    expect(r.verdict.status).toBe('ok');
    expect(r.target.kind).toBe('org');
    expect(r.strategies.map((s) => [s.name, s.errors.total])).toEqual([
      ['sequential', 0],
      ['async:4', 0],
      ['threads:4', 0],
      ['processes:4', 0],
    ]);
    // 300 records of data, then the 25 deleted and 25 updated records put back before each of
    // the 15 repetitions after the first; everything deleted at the end.
    expect(r.setup).toMatchObject({ created: 300 + 15 * 50 });
    expect(r.setup?.deleted).toBeGreaterThanOrEqual(300 - 25);
    expect(await orgState()).toBe(before);
    const manifest = JSON.parse(await readFile(join(outDir, 'created-records.json'), 'utf8')) as CreatedRecordsManifest;
    expect(manifest.records).toEqual([]);
    // About 15 s of org-shaped work on an idle 2-core machine; twice that when the other core is busy.
  }, 60_000);

  it('a scenario with reads, updates, deletes, upserts, transactions, inserts and mixed work runs unchanged on the mock and on an org', async () => {
    const dir = await tempDir('dvbench-both-mixed-');
    const file = join(dir, 'mixed.yaml');
    await writeFile(file, MIXED);
    const onMock = await runCli(['run', file, '--out', join(dir, 'mock')], { timeoutMs: 120_000 });
    expect(onMock.code, onMock.stderr).toBe(0);
    const onOrg = await runCli(['run', file, '--allow-writes', '--out', join(dir, 'org')], {
      env: env(),
      timeoutMs: 120_000,
    });
    expect(onOrg.code, onOrg.stderr).toBe(0);
    const [m, o] = [await results(join(dir, 'mock')), await results(join(dir, 'org'))];
    // The same plan, operation for operation, on both targets.
    expect(o.plan).toEqual(m.plan);
    for (const r of [m, o]) {
      expect(r.verdict.status).toBe('ok');
      expect(r.strategies.map((s) => s.errors.total)).toEqual([0, 0, 0, 0]);
      expect(r.strategies.every((s) => s.integrity.ok)).toBe(true);
    }
    expect(await orgState()).toBe(before);
  });

  it('a dry run against an org counts the data it would create', async () => {
    const dir = await tempDir('dvbench-both-dry-');
    const file = join(dir, 'mixed.yaml');
    await writeFile(file, MIXED);
    const dry = await runCli(['run', file, '--dry-run', '--allow-writes'], { env: env() });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(
      'set-up (not measured): 100 record(s) of data created by 2 bulk request(s) (CreateMultiple, at most 100 records each) before the first repetition;',
    );
    const refused = await runCli(['run', file, '--dry-run'], { env: env() });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("this scenario creates the scenario's data (100 record(s))");
  });

  it('two runs of one scenario against one org never share a record, and each deletes only its own', async () => {
    const dir = await tempDir('dvbench-both-twice-');
    const file = join(dir, 'ins.yaml');
    await writeFile(
      file,
      `name: twice\nmock: { profile: zero }\ndata: { account: 5 }\nworkloads:\n  - { kind: insert, table: account, count: 5, values: { name: "T {i}" } }\n  - { kind: upsert, table: account, count: 4, key: accountnumber, values: { name: "U{i}" } }\nstrategies: [sequential]\nrepetitions: 1\nwarmup: 0\n`,
    );
    const a = await runCli(['run', file, '--allow-writes', '--keep', '--out', join(dir, 'a')], { env: env() });
    expect(a.code, a.stderr).toBe(0);
    const kept = (await handle.api('GET', 'accounts?$select=accountid')).json.value.length as number;
    expect(kept).toBe(10 + 5 + 5 + 2);
    const b = await runCli(['run', file, '--allow-writes', '--out', join(dir, 'b')], { env: env() });
    expect(b.code, b.stderr).toBe(0);
    expect((await results(join(dir, 'b'))).strategies[0]?.errors.total).toBe(0);
    expect((await handle.api('GET', 'accounts?$select=accountid')).json.value.length).toBe(kept);
    const cleanup = await runCli(['cleanup', join(dir, 'a')], { env: env() });
    expect(cleanup.code, cleanup.stderr).toBe(0);
    expect(cleanup.stdout).toMatch(/deleted 12 record\(s\) of run [0-9a-f-]+; 0 were already gone; 0 skipped/);
    expect(await orgState()).toBe(before);
  });
});

describe('an org run that is stopped', () => {
  let slow: RunningMockServer;
  let slowHandle: MockHandle;
  let slowBefore: string;
  const SLOW = `name: stopped\nmock: { profile: zero }\ndata: { account: 80, contact: 20 }\nworkloads:\n  - { kind: update, table: account, count: 80, set: { telephone1: "555-{i}" } }\n  - { kind: insert, table: contact, count: 20, values: { lastname: "S{i}" }, lookups: { parentcustomerid_account: account } }\nstrategies: [sequential]\nrepetitions: 3\nwarmup: 0\n`;

  const state = async (): Promise<string> =>
    JSON.stringify(
      await Promise.all(
        ['accounts?$select=accountid,telephone1', 'contacts?$select=contactid'].map(
          async (q) => (await slowHandle.api('GET', q)).json.value,
        ),
      ),
    );

  beforeAll(async () => {
    // Updates cost 40 ms here, so a repetition of 80 lasts over 3 s: long enough to stop it midway.
    slow = await startMockServer({ port: 0, config: { latency: { update: { baseMs: 40, distribution: 'none' } } } });
    slowHandle = await connectMock(slow);
    await slowHandle.seed({ account: 3 });
    slowBefore = await state();
  });

  afterAll(async () => {
    await slow.close();
  });

  /** Starts a run and sends `signal` once its data exists and the update workload is under way. */
  async function stopDuringUpdates(
    signal: NodeJS.Signals,
  ): Promise<{ code: number | null; stderr: string; outDir: string }> {
    const dir = await tempDir('dvbench-both-stop-');
    const file = join(dir, 'stop.yaml');
    await writeFile(file, SLOW);
    const outDir = join(dir, 'out');
    const child = spawn(process.execPath, [BIN, 'run', file, '--allow-writes', '--out', outDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DATAVERSE_URL: slow.url, DATAVERSE_TOKEN: slowHandle.token, CI: 'true' },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) =>
      child.on('close', (code) => {
        resolve(code);
      }),
    );
    const deadline = Date.now() + 30_000;
    while (!stderr.includes("creating the scenario's data (not measured): 100 records") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1000));
    // Midway through the first repetition's updates: some records changed, contacts created.
    expect(await state()).not.toBe(slowBefore);
    child.kill(signal);
    return { code: await exited, stderr, outDir };
  }

  it('Ctrl-C during the update workload deletes every record the run created before it exits', async () => {
    const { code, stderr } = await stopDuringUpdates('SIGINT');
    expect(code, stderr).toBe(130);
    expect(await state()).toBe(slowBefore);
  });

  it('after SIGKILL during the update workload, dvbench cleanup deletes every record the run created', async () => {
    const { code, outDir } = await stopDuringUpdates('SIGKILL');
    expect(code).toBe(null);
    const left = JSON.parse(await readFile(join(outDir, 'created-records.json'), 'utf8')) as CreatedRecordsManifest;
    expect(left.records.length).toBeGreaterThanOrEqual(100);
    const cleanup = await runCli(['cleanup', outDir], {
      env: { DATAVERSE_URL: slow.url, DATAVERSE_TOKEN: slowHandle.token },
    });
    expect(cleanup.code, cleanup.stderr).toBe(0);
    expect(cleanup.stdout).toMatch(/0 skipped/);
    const after = JSON.parse(await state()) as [{ accountid: string }[], { contactid: string }[]];
    const original = JSON.parse(slowBefore) as [{ accountid: string }[], { contactid: string }[]];
    expect(after[0].map((a) => a.accountid)).toEqual(original[0].map((a) => a.accountid));
    expect(after[1]).toEqual([]);
  });
});

describe('phases', () => {
  const PHASES = `name: import-then-update
seed: 3
mock: { profile: zero }
phases: true
data: { account: 20 }
workloads:
  - { name: import, kind: insert, table: contact, count: 30, values: { lastname: "I{i}" }, lookups: { parentcustomerid_account: account } }
  - { name: update, kind: update, table: contact, count: 20, set: { jobtitle: "Buyer {i}" } }
  - { name: prune, kind: delete, table: contact, count: 5 }
strategies: [sequential, { kind: async, workers: 4 }, { kind: batch, size: 25 }]
repetitions: 2
warmup: 0
`;

  it('run in order on both targets, each timed, later phases working on what earlier ones inserted', async () => {
    const dir = await tempDir('dvbench-phases-');
    const file = join(dir, 'phases.yaml');
    await writeFile(file, PHASES);
    const onMock = await runCli(['run', file, '--out', join(dir, 'mock')], { timeoutMs: 60_000 });
    expect(onMock.code, onMock.stderr).toBe(0);
    expect(onMock.stdout).toMatch(/phases of sequential: import \d+ ms \([\d.]+ ops\/s\), then update \d+ ms/);
    const onOrg = await runCli(['run', file, '--allow-writes', '--out', join(dir, 'org')], {
      env: env(),
      timeoutMs: 60_000,
    });
    expect(onOrg.code, onOrg.stderr).toBe(0);
    for (const r of [await results(join(dir, 'mock')), await results(join(dir, 'org'))]) {
      expect(r.plan.byKind).toEqual({ create: 30, update: 20, delete: 5 });
      for (const s of r.strategies) {
        expect(s.errors.total, s.name).toBe(0);
        expect(s.integrity.ok, s.name).toBe(true);
        expect(s.phases?.map((p) => [p.name, p.operations])).toEqual([
          ['import', 30],
          ['update', 20],
          ['prune', 5],
        ]);
        expect(s.repetitions.every((rep) => rep.phases?.length === 3)).toBe(true);
      }
      // A $batch never spans two phases: 25 + 5 creates, 20 updates, 5 deletes.
      expect(r.strategies.find((s) => s.name === 'batch:25x1')?.requests).toBe(4);
    }
    expect(await orgState()).toBe(before);
    const report = await readFile(join(dir, 'org', 'report.md'), 'utf8');
    expect(report).toContain('## Phases');
  });

  it('a later phase cannot take more records than the data and earlier phases give it', async () => {
    const dir = await tempDir('dvbench-phases-bad-');
    const file = join(dir, 'bad.yaml');
    await writeFile(file, PHASES.replace('count: 20, set', 'count: 60, set'));
    const cli = await runCli(['validate', file]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(
      'workloads[1].count: 60 updates need as many records, but data.contact plus the records earlier phases insert is 30',
    );
  });
});

describe('dvbench predict', () => {
  const SCENARIO = `name: predict-me
seed: 4
data: { account: 30 }
workloads:
  - { name: reads, kind: read, mode: retrieve, table: account, count: 10 }
  - { name: updates, kind: update, table: account, count: 10, set: { telephone1: "555-{i}" } }
  - { name: quotes, kind: transactional, count: 2, linesPerUnit: 2, failureRate: 0 }
strategies: [sequential, { kind: async, workers: 4 }]
repetitions: 1
warmup: 0
`;
  const profile = (accuracy: number): string =>
    `profile: { name: stand-in-fit, version: 1, source: a test, createdAt: "2026-12-03", fit: { maxAbsErrorPercent: ${accuracy} } }\nmock: { latency: { default: { baseMs: 1, distribution: none } } }\n`;

  it('runs the scenario on the mock with the profile and on the org, and judges the errors against the stated accuracy', async () => {
    const dir = await tempDir('dvbench-predict-');
    await writeFile(join(dir, 's.yaml'), SCENARIO);
    await writeFile(join(dir, 'loose.yaml'), profile(100_000));
    const out = join(dir, 'out');
    const cli = await runCli(
      ['predict', join(dir, 's.yaml'), '--profile', join(dir, 'loose.yaml'), '--allow-writes', '--out', out],
      { env: env(), timeoutMs: 120_000 },
    );
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(
      'Prediction check of predict-me: profile stand-in-fit states ±100000.0% on throughput; every strategy within it.',
    );
    const check = JSON.parse(await readFile(join(out, 'prediction.json'), 'utf8')) as {
      rows: {
        strategy: string;
        workload: string;
        opsPerSec: { errorPercent: number | null };
        within: boolean | null;
      }[];
    };
    expect(check.rows.map((r) => `${r.strategy}/${r.workload}`)).toEqual([
      'sequential/all',
      'sequential/reads',
      'sequential/updates',
      'sequential/quotes',
      'async:4/all',
      'async:4/reads',
      'async:4/updates',
      'async:4/quotes',
    ]);
    expect(check.rows.filter((r) => r.workload === 'all').every((r) => r.within === true)).toBe(true);
    expect(check.rows.every((r) => typeof r.opsPerSec.errorPercent === 'number')).toBe(true);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Predicted: the embedded mock, profile stand-in-fit</h2>');
    expect(html).toContain(`<h2>Measured: ${org.url}</h2>`);
    expect(await orgState()).toBe(before);

    const compared = await runCli(['compare', join(out, 'predicted'), join(out, 'measured'), '--out', dir]);
    expect(compared.stdout).toContain('This compares a prediction (the embedded mock, profile stand-in-fit)');
  });

  it('a strategy outside the stated accuracy fails the check (exit 1), and an org is required', async () => {
    const dir = await tempDir('dvbench-predict-tight-');
    await writeFile(join(dir, 's.yaml'), SCENARIO);
    await writeFile(join(dir, 'tight.yaml'), profile(0.0001));
    const cli = await runCli(
      ['predict', join(dir, 's.yaml'), '--profile', join(dir, 'tight.yaml'), '--allow-writes', '--out', join(dir, 'o')],
      { env: env(), timeoutMs: 120_000 },
    );
    expect(cli.code, cli.stderr).toBe(1);
    expect(cli.stdout).toMatch(/states ±0\.0% on throughput; outside it for sequential \([+-][\d.]+%\)/);
    const noOrg = await runCli(['predict', join(dir, 's.yaml'), '--profile', 'default'], {
      env: { DATAVERSE_URL: '' },
    });
    expect(noOrg.code).toBe(2);
    expect(noOrg.stderr).toContain('dvbench predict: the measurement needs an org');
  });
});

describe('--profile', () => {
  it('means the embedded mock even with DATAVERSE_URL exported, and its path is taken from the current folder', async () => {
    const dir = await tempDir('dvbench-profile-path-');
    await writeFile(
      join(dir, 'p.yaml'),
      'profile: { name: mine, version: 1, source: a test, createdAt: "2026-12-03" }\nmock: { latency: { default: { baseMs: 1 } } }\n',
    );
    const scenarioDir = await tempDir('dvbench-profile-scenario-');
    await writeFile(
      join(scenarioDir, 's.yaml'),
      'name: p\ndata: { account: 5 }\nworkloads: [{ kind: update, table: account, count: 5, set: { telephone1: "1" } }]\nstrategies: [sequential]\n',
    );
    const cli = await runCli(
      ['run', join(scenarioDir, 's.yaml'), '--dry-run', '--profile', relative(process.cwd(), join(dir, 'p.yaml'))],
      { env: env() },
    );
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain("target: the embedded mock (from --profile: a profile is the mock's costs");
  });
});
