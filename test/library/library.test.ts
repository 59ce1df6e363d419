import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compare, DvbenchError, loadScenario, run } from '../../src/index.js';
import { mockAdmin, profileConfig, startMockServer, type RunningMockServer } from '../../mock-server/public.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

const scenario = {
  name: 'library-run',
  mock: { profile: 'zero' },
  data: { account: 50 },
  workloads: [{ kind: 'update', table: 'account', count: 30, set: { telephone1: '+1-555-{i}' } }],
  strategies: ['sequential', 'async:4'],
  repetitions: 2,
  warmup: 0,
};

describe('dvbench (library): run, loadScenario, compare', () => {
  it('runs a scenario object on the embedded mock, writes results.json and reports, and compares two runs', async () => {
    const out = await tempDir();
    const seen: string[] = [];
    const base = await run(scenario, {
      outDir: join(out, 'base'),
      reports: false,
      on: { 'strategy-end': (s) => seen.push(s.name) },
    });
    expect(seen).toEqual(['sequential', 'async:4']);
    expect(base.verdict.status).toBe('ok');
    expect(base.strategies.map((s) => [s.operations, s.errors.total])).toEqual([
      [30, 0],
      [30, 0],
    ]);
    const written = JSON.parse(await readFile(join(out, 'base', 'results.json'), 'utf8')) as { runId: string };
    expect(written.runId).toBe(base.runId);
    await expect(readFile(join(out, 'base', 'report.md'))).rejects.toThrow(/ENOENT/);

    const current = await run(scenario, { outDir: join(out, 'current'), strategies: ['async:4'] });
    expect(current.strategies.map((s) => s.name)).toEqual(['async:4']);
    expect(await readFile(join(out, 'current', 'report.md'), 'utf8')).toContain('library-run');

    const comparison = await compare(join(out, 'base'), current, { tolerance: 0.5 });
    expect(comparison.strategies.map((s) => s.strategy)).toEqual(['async:4']);
  });

  it('refuses a bad scenario object with the place and the rule, before anything runs', async () => {
    const bad = { ...scenario, strategies: ['async:0'] };
    const error = await loadScenario(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DvbenchError);
    expect((error as DvbenchError).code).toBe('DVB_ERR_SCENARIO_INVALID');
    expect((error as DvbenchError).message).toMatch(/\(scenario object\):\d+:\d+: strategies\[0\]/);
  });

  it('refuses an org target without credentials', async () => {
    const out = await tempDir();
    await expect(run(scenario, { outDir: out, target: { url: 'https://contoso.crm.dynamics.com' } })).rejects.toThrow(
      /token or identities/,
    );
  });
});

describe('dvbench/mock (library): the mock as a test fixture', () => {
  let mock: RunningMockServer;
  beforeAll(async () => {
    mock = await startMockServer();
  });
  afterAll(async () => {
    await mock.close();
  });

  it('seeds, counts, resets and issues tokens over HTTP', async () => {
    const admin = mockAdmin(mock.url);
    expect(await admin.seed({ account: 7, contact: 3 })).toMatchObject({ account: 7, contact: 3 });
    // A seeded table seeded again would repeat its keys: refused, and nothing of it is kept.
    await expect(admin.seed({ contact: 1, account: 2 }, { reset: false })).rejects.toThrow(
      /400 DVB_MOCK_SEED_INVALID .*already there/,
    );
    expect((await admin.stats()).records).toMatchObject({ account: 7, contact: 3 });
    expect(await admin.seed({ systemuser: 2 }, { reset: false })).toMatchObject({
      account: 7,
      contact: 3,
      systemuser: 2,
    });
    const token = await admin.token();
    const res = await fetch(`${mock.apiUrl}accounts?$select=name`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { value: unknown[] }).value).toHaveLength(7);
    expect((await admin.stats()).records.account).toBe(7);
    await admin.reset();
    expect((await admin.stats()).records.account ?? 0).toBe(0);
  });

  it('names the rule when the mock refuses an admin request', async () => {
    await expect(mockAdmin(mock.url).seed({ nosuchtable: 1 })).rejects.toThrow(
      /400 DVB_MOCK_SEED_INVALID .*counts\.nosuchtable: no table with that logical name/,
    );
  });

  it('builds a config from a profile, with hand-set keys over it', () => {
    const config = profileConfig('default', { dopHint: 8 }) as { dopHint?: number; latency?: { create?: unknown } };
    expect(config.dopHint).toBe(8);
    expect(config.latency?.create).toMatchObject({ baseMs: 90 });
    expect(() => profileConfig('nosuch')).toThrow(/nosuch/);
  });
});
