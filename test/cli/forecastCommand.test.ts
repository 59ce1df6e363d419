import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Forecast } from '../../src/runner/forecastJob.js';
import { runCli } from '../helpers/runCli.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

/** 80 creates by 8 workers against a concurrency limit of 4 per user: one user meets 429s, four do not. */
const JOB = `name: small-import
seed: 2
mock:
  latency: { create: { baseMs: 50, distribution: none } }
  limits: { concurrentRequests: 4, evaluationIntervalSeconds: 0 }
workloads:
  - { kind: insert, table: account, count: 80, values: { name: "Import {i}" } }
strategies: [async:8]
`;

describe('dvbench forecast', () => {
  it('runs the job compressed once per user count and names the limit that binds, and the users that remove it', async () => {
    const dir = await tempDir('dvbench-forecast-');
    const file = join(dir, 'job.yaml');
    await writeFile(file, JOB);
    const out = join(dir, 'out');
    const cli = await runCli(
      ['forecast', file, '--users', '4,1', '--time-scale', '5', '--entitlement', '50', '--out', out],
      { timeoutMs: 60_000 },
    );
    expect(cli.code, cli.stderr).toBe(0);
    const forecast = JSON.parse(await readFile(join(out, 'forecast.json'), 'utf8')) as Forecast;
    expect(forecast.strategy).toBe('async:8');
    expect(forecast.rows.map((r) => r.users)).toEqual([1, 4]);
    const [one, four] = forecast.rows;
    expect(one!.timeScale).toBe(5);
    expect(one!.operations).toBe(80);
    expect(one!.failedOperations).toBe(0);
    expect(one!.bindingLimit).toBe('the concurrent requests');
    expect(one!.throttledByCode['0x80072326']).toBeGreaterThan(0);
    expect(one!.firstThrottledAtSeconds).not.toBeNull();
    expect(four!.bindingLimit).toBeNull();
    expect(forecast.usersWithoutThrottling).toBe(4);
    // 80 requests against 50 per user per day: one user is past it, two carry it.
    expect(one!.entitlement).toEqual({ needed: 80, allowed: 50, exceeded: true });
    expect(four!.entitlement).toEqual({ needed: 80, allowed: 200, exceeded: false });
    expect(forecast.usersForEntitlement).toBe(2);
    // 80 creates of 50 ms by 8 workers, held to 4 at a time: about a second of the org's time.
    expect(four!.orgSeconds).toBeGreaterThan(0.5);
    expect(four!.orgSeconds).toBeLessThan(3);
    expect(cli.stdout).toContain('the concurrent requests binds, from');
    expect(cli.stdout).toContain('4 application users remove it');
    expect(cli.stdout).toContain("2 users' licences carry it");
    expect(cli.stderr).toMatch(/ {3}1 user\(s\): .* on the org .*429s, the concurrent requests from/);
  });

  it('refuses bad input before running: user counts, a scenario with several strategies, a load test', async () => {
    const dir = await tempDir('dvbench-forecast-bad-');
    const file = join(dir, 'job.yaml');
    await writeFile(file, JOB.replace('strategies: [async:8]', 'strategies: [sequential, async:8]'));
    const users = await runCli(['forecast', file, '--users', '0,2']);
    expect(users.code).toBe(2);
    expect(users.stderr).toContain('--users must be a comma list of user counts from 1 to 64');
    const several = await runCli(['forecast', file, '--out', join(dir, 'o')]);
    expect(several.code).toBe(2);
    expect(several.stderr).toContain('has 2 strategies (sequential, async:8); a forecast runs the job one way');
    const load = await runCli(['forecast', 'scenarios/load-ramp.yaml']);
    expect(load.code).toBe(2);
    expect(load.stderr).toContain('is a load test');
  });
});
