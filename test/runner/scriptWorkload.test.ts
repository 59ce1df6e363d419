import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DvbenchError } from '../../src/index.js';
import { loadScenario, run } from '../../src/index.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();
const SCENARIOS = new URL('../../scenarios/', import.meta.url).pathname;

/** A folder with the job module and a scenario that names it, as a user would lay them out. */
async function project(job: string, strategies: unknown[] = ['sequential', 'async:4'], count = 12) {
  const dir = await tempDir('dvbench-script-');
  await writeFile(join(dir, 'job.mjs'), job);
  const scenario = {
    name: 'script-test',
    mock: { profile: 'zero' },
    workloads: [{ kind: 'script', name: 'my-job', module: './job.mjs', count }],
    strategies,
    repetitions: 2,
    warmup: 0,
  };
  return { dir, scenario };
}

const CREATE_THEN_UPDATE = `
const workers = new Set();
export default async function (ctx) {
  workers.add(ctx.worker);
  const c = await ctx.request('POST', 'accounts', { name: ctx.tag + ' ' + ctx.index }, { Prefer: 'return=representation' });
  if (c.status !== 201) throw new Error('create answered ' + c.status);
  const u = await ctx.request('PATCH', 'accounts(' + c.json().accountid + ')', { telephone1: 'x' });
  if (u.status !== 204) throw new Error('update answered ' + u.status);
}
export async function check(ctx) {
  const res = await ctx.request('GET', 'accounts?$count=true&$filter=' + encodeURIComponent("startswith(name,'" + ctx.tag + " ')"));
  const found = res.json()['@odata.count'];
  return [
    ...(found === ctx.succeeded ? [] : [ctx.succeeded + ' succeeded, ' + found + ' found']),
    'workers seen: ' + [...workers].sort().join(','),
  ];
}
`;

describe('script workloads: the user’s own code, measured like any workload', () => {
  it('runs the module once per operation, measures each ctx.request, and runs its check after each repetition', async () => {
    const { dir, scenario } = await project(CREATE_THEN_UPDATE);
    const results = await run(scenario, { outDir: join(dir, 'out'), baseDir: dir, reports: false });
    const [seq, pool] = results.strategies;
    // Two requests per operation, 12 operations a repetition: every request measured.
    expect([seq?.operations, seq?.requests, seq?.errors.total]).toEqual([12, 24, 0]);
    expect(pool?.repetitions.map((r) => r.records?.account)).toEqual([12, 12]);
    // The check found every tagged record; its second line is this test's window on ctx.worker.
    expect(seq?.integrity.problems).toEqual([1, 2].map((r) => `repetition ${r}: job.mjs check: workers seen: 0`));
    expect(pool?.integrity.problems).toEqual(
      [1, 2].map((r) => `repetition ${r}: job.mjs check: workers seen: 0,1,2,3`),
    );
  });

  it('counts a throw as a failed operation with its message; the check sees how many succeeded', async () => {
    const { dir, scenario } = await project(`
export default async function (ctx) {
  if (ctx.index === 3) throw new Error('my job refused record ' + ctx.index);
  await ctx.request('GET', 'WhoAmI');
}
export async function check(ctx) { return ctx.succeeded === 11 ? [] : ['expected 11, got ' + ctx.succeeded]; }
`);
    const results = await run(
      { ...scenario, maxErrorRate: 0.5 },
      { outDir: join(dir, 'out'), baseDir: dir, reports: false },
    );
    const seq = results.strategies[0];
    expect(seq?.errors.total).toBe(2);
    expect(seq?.errors.causes[0]).toMatchObject({
      kind: 'script threw',
      message: 'my job refused record 3',
      firstOperation: 'workload 0 (script job.mjs): operation 3',
    });
    expect(seq?.requests).toBe(11);
    expect(seq?.integrity.ok).toBe(true);
  });

  it('a rejection with nothing (throw null, Promise.reject()) is one failed operation, not the end of the run (repro 28)', async () => {
    const { dir, scenario } = await project(
      `export default async function (ctx) {
  if (ctx.index === 3) return Promise.reject();
  if (ctx.index === 5) throw null;
  await ctx.request('GET', 'WhoAmI');
}`,
      ['sequential', 'threads:2', 'processes:2'],
    );
    const results = await run(
      { ...scenario, maxErrorRate: 0.5 },
      { outDir: join(dir, 'out'), baseDir: dir, reports: false },
    );
    for (const s of results.strategies) {
      expect([s.name, s.errors.total, s.requests]).toEqual([s.name, 4, 10]);
      // One cause (same kind and code), first seen as the rejection with nothing at operation 3.
      expect(s.errors.causes.map((c) => [c.kind, c.count])).toEqual([['script threw', 4]]);
      expect(['undefined', 'null']).toContain(s.errors.causes[0]?.message);
    }
  });

  it("a script's process.exit in dvbench's own process fails its operation; the run goes on and writes its results", async () => {
    const { dir, scenario } = await project(
      `export default async function (ctx) {
  await ctx.request('GET', 'WhoAmI');
  if (ctx.index === 4) process.exit(0);
}`,
      ['sequential', 'async:3'],
    );
    const results = await run(
      { ...scenario, maxErrorRate: 0.5 },
      { outDir: join(dir, 'out'), baseDir: dir, reports: false },
    );
    for (const s of results.strategies) {
      expect([s.name, s.operations, s.errors.total]).toEqual([s.name, 12, 2]);
      expect(s.errors.causes[0]).toMatchObject({
        kind: 'script threw',
        message: expect.stringContaining('the script called process.exit(0)') as unknown,
      });
    }
    expect(JSON.parse(await readFile(join(dir, 'out', 'results.json'), 'utf8')).strategies).toHaveLength(2);
    // Restored once the scripts are done.
    expect(String(Reflect.get(process, 'exit'))).not.toContain('ScriptExit');
  });

  it('a worker killed mid-run fails its strategy, naming the worker and the signal, instead of passing short (repro 27)', async () => {
    const { dir, scenario } = await project(
      `import { isMainThread } from 'node:worker_threads';
export default async function (ctx) {
  await ctx.request('GET', 'WhoAmI');
  // Under processes a child kills itself; under threads one exits: as the OOM killer or a stray exit would.
  if (ctx.index === 5 && isMainThread && (process.argv[1] ?? '').endsWith('workerEntry.js'))
    process.kill(process.pid, 'SIGKILL');
  if (ctx.index === 5 && !isMainThread) process.exit(0);
}`,
      ['sequential', 'threads:2', 'processes:2'],
      30,
    );
    const results = await run(
      { ...scenario, repetitions: 1 },
      { outDir: join(dir, 'out'), baseDir: dir, reports: false },
    );
    const [seq, threads, processes] = results.strategies;
    expect(seq?.verdict.status).toBe('ok');
    expect(threads?.verdict.status).toBe('failed');
    expect(threads?.aborted).toMatch(
      /^worker thread [12] ended \(exit code 0\) before reporting; its operation in flight/,
    );
    expect(processes?.verdict.status).toBe('failed');
    expect(processes?.aborted).toMatch(/^worker process [12] was killed by SIGKILL before reporting/);
    expect(results.verdict.status).toBe('failed');
  });

  it('runs the example jobs (DynamicsWebApi, ctx.request) in worker threads and processes too', async () => {
    const dir = await tempDir('dvbench-own-code-');
    const results = await run(join(SCENARIOS, 'own-code', 'own-code.yaml'), {
      outDir: dir,
      profile: 'zero',
      repetitions: 1,
      strategies: ['threads:2', 'processes:2'],
      reports: false,
    });
    expect(results.verdict.status).toBe('ok');
    for (const s of results.strategies) {
      // 20 DynamicsWebApi operations (one timed request each) and 20 create-then-update (two).
      expect([s.name, s.operations, s.requests, s.errors.total, s.integrity.ok]).toEqual([s.name, 40, 60, 0, true]);
      expect(s.repetitions[0]?.records).toMatchObject({ account: 40, contact: 20 });
    }
  });

  it('refuses, before running, a missing module, a batch strategy, and an org without --allow-writes', async () => {
    const { dir, scenario } = await project('export default async () => {}', ['sequential', 'batch:10x1']);
    const error = (await loadScenario(
      { ...scenario, workloads: [{ ...scenario.workloads[0], module: './nope.mjs' }] },
      { baseDir: dir },
    ).catch((e: unknown) => e)) as DvbenchError;
    expect(error.code).toBe('DVB_ERR_SCENARIO_INVALID');
    expect(error.message).toMatch(/workloads\[0\]\.module: file not found: .*nope\.mjs/);
    expect(error.message).toMatch(/strategies\[1\]: a batch strategy cannot run a script workload/);
    const ok = { ...scenario, strategies: ['sequential'] };
    await expect(
      run(ok, {
        outDir: join(dir, 'org'),
        baseDir: dir,
        target: { url: 'https://contoso.crm.dynamics.com', token: 't' },
      }),
    ).rejects.toThrow(/a script workload runs your own code .* pass --allow-writes/);
  });
});

describe('the client’s own cost in every run', () => {
  it('records client CPU per request, and flags the strategy whose client CPU set the pace', async () => {
    // 60 ms of CPU per operation on the client, against a mock that answers at once: the event
    // loop is blocked past 50 ms even when a busy test machine leaves the process short of CPU.
    const busy = `export default async function (ctx) {
  const t = performance.now();
  while (performance.now() - t < 60) {}
  await ctx.request('GET', 'WhoAmI');
}\n`;
    const { dir, scenario } = await project(busy, ['sequential'], 10);
    const results = await run(scenario, { outDir: join(dir, 'out'), baseDir: dir, reports: false });
    const seq = results.strategies[0];
    expect(seq?.requests).toBe(10);
    expect(seq?.client.cores).toBe(1);
    expect(seq?.client.cpuMicrosPerRequest).toBeGreaterThan(20_000);
    expect(seq?.client.generatorBound).toBe(true);
    expect(results.warnings.join('\n')).toMatch(/sequential: the load generator (set the pace|was busy)/);
  });

  it('a client that waits on a slow target is not flagged, and its CPU per request is small', async () => {
    const { dir, scenario } = await project(
      `export default async function (ctx) { await ctx.request('GET', 'WhoAmI'); }\n`,
      ['sequential'],
      20,
    );
    const slow = { ...scenario, mock: { profile: 'zero', latency: { default: { baseMs: 20, distribution: 'none' } } } };
    const results = await run(slow, { outDir: join(dir, 'out'), baseDir: dir, reports: false });
    const seq = results.strategies[0];
    expect(seq?.client.generatorBound).toBe(false);
    expect(seq?.client.cpuMicrosPerRequest).toBeGreaterThan(0);
    expect(seq?.client.cpuMicrosPerRequest).toBeLessThan(7000);
    expect(results.warnings.join('\n')).not.toContain('set the pace');
  });
});
