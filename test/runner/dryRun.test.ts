import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startMockServer } from '../../mock-server/index.js';
import { dryRun, formatDryRun, repetitionOverheadMs } from '../../src/runner/dryRun.js';
import { ScenarioRun } from '../../src/runner/ScenarioRun.js';
import { parseScenarioText } from '../../src/scenario/loadScenario.js';
import { expandStrategies } from '../../src/strategies/expandStrategies.js';
import { runCli } from '../helpers/runCli.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

const YAML = `name: dry
mock: { profile: zero }
data: { account: 25, contact: 25 }
workloads:
  - { kind: insert, table: account, count: 30, values: { name: "n{i}" } }
  - { kind: update, table: account, count: 10, set: { telephone1: "1" } }
  # A different table than the writes: a query's pages would otherwise depend on when it runs.
  - { kind: read, table: contact, count: 2, select: [fullname], pageSize: 10 }
strategies: [sequential, { kind: batch, size: 10, inFlight: 1 }, { kind: bulk, size: 10, inFlight: 1 }]
repetitions: 1
warmup: 0
`;

describe('dvbench run --dry-run', () => {
  it('predicts exactly the requests a real run sends, per strategy', async () => {
    const loaded = parseScenarioText(YAML, 'dry.yaml');
    const plan = dryRun(loaded.scenario);
    const results = await new ScenarioRun(loaded, {
      outDir: await tempDir('dvbench-dry-'),
      target: { kind: 'mock' },
    }).run();
    expect(plan.operations).toBe(results.plan.operations);
    for (const s of results.strategies) {
      expect(plan.strategies.find((p) => p.name === s.name)?.requestsPerRepetition, s.name).toBe(s.requests);
    }
    // 30 creates + 10 updates + 2 queries of 3 pages (25 records, pages of 10).
    expect(plan.strategies.find((p) => p.name === 'sequential')?.requestsPerRepetition).toBe(46);
  });

  it("counts a filtered query's pages on the data the seed makes, as the run reads them", async () => {
    const loaded = parseScenarioText(
      `name: filtered
mock: { profile: zero }
data: { account: 300 }
workloads:
  - { kind: read, table: account, count: 3, select: [name], filter: "revenue gt 500000", pageSize: 20 }
strategies: [sequential]
repetitions: 1
warmup: 0
`,
      'filtered.yaml',
    );
    const plan = dryRun(loaded.scenario);
    const results = await new ScenarioRun(loaded, {
      outDir: await tempDir('dvbench-dry-'),
      target: { kind: 'mock' },
    }).run();
    // The table's size would say 15 pages a query; the filter keeps fewer, and the plan knows how many.
    expect(results.strategies[0]?.requests).toBeLessThan(3 * 15);
    expect(plan.strategies[0]?.requestsPerRepetition).toBe(results.strategies[0]?.requests);
  });

  it('--strategies is checked as a run checks it, and the total counts only the strategies kept', async () => {
    const dir = await tempDir('dvbench-dry-');
    await writeFile(join(dir, 'dry.yaml'), YAML);
    const typo = await runCli(['run', join(dir, 'dry.yaml'), '--dry-run', '--strategies', 'asynch:8']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(
      'no strategy left to run: --strategies named none of sequential, batch:10x1, bulk:10x1',
    );
    const loaded = parseScenarioText(YAML, 'dry.yaml');
    const all = dryRun(loaded.scenario);
    const one = dryRun(loaded.scenario, 'mock', ['bulk:10x1']);
    expect(one.strategies.map((s) => s.name)).toEqual(['bulk:10x1']);
    expect(all.estimatedMs - one.estimatedMs).toBeCloseTo(
      all.strategies.filter((s) => s.name !== 'bulk:10x1').reduce((a, s) => a + s.estimatedMs, 0),
      6,
    );
  });

  it('sends no request at all, checked at the target', async () => {
    const mock = await startMockServer({ port: 0 });
    try {
      const dir = await tempDir('dvbench-dry-cli-');
      await writeFile(join(dir, 's.yaml'), YAML);
      // A dry run refuses what a real run refuses: the data is created, and the org changed, only with --allow-writes.
      const refused = await runCli(['run', join(dir, 's.yaml'), '--dry-run', '--target', mock.url], {
        env: { DATAVERSE_TOKEN: '' },
      });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain("target: this scenario creates the scenario's data");
      await writeFile(
        join(dir, 'org.yaml'),
        'name: dry-org\nmock: { profile: zero }\nworkloads:\n  - { kind: insert, table: account, count: 30, values: { name: "n{i}" } }\n  - { kind: read, table: account, count: 2, pageSize: 10 }\nstrategies: [sequential]\nrepetitions: 1\nwarmup: 0\n',
      );
      const writes = await runCli(['run', join(dir, 'org.yaml'), '--dry-run', '--target', mock.url], {
        env: { DATAVERSE_TOKEN: '' },
      });
      expect(writes.code).toBe(2);
      expect(writes.stderr).toContain('pass --allow-writes');
      // No credentials in the environment: a dry run needs none.
      const result = await runCli(['run', join(dir, 'org.yaml'), '--dry-run', '--allow-writes', '--target', mock.url], {
        env: { DATAVERSE_TOKEN: '', AZURE_TENANT_ID: '' },
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('dry run of dry-org: nothing is sent');
      expect(result.stdout).toMatch(/^sequential\s+32\s+32\s+0\.5% per repetition\s+32\s+[\d.]+ s$/m);
      // An org's time is estimated from the profile's costs, and says so.
      expect(result.stdout).toContain("against an org these are the profile's costs, not the org's");
      expect(result.stdout).not.toContain('(The target is the mock');
      const stats = (await (await fetch(`${mock.url}/_mock/stats`)).json()) as { requests: { total: number } };
      expect(stats.requests.total).toBe(0);
      expect(mock.context.store.counts().account).toBe(0);
    } finally {
      await mock.close();
    }
  });

  describe('a strategy the request limit holds', () => {
    // 30 creates a repetition against 10 requests per user per 10 s, compressed ×10: a 1 s window here.
    const limited = (extra = '') => `name: limited
mock:
  timeScale: 10
  latency: { default: { baseMs: 5, distribution: none } }
  limits: { requestsPerWindow: 10, windowSeconds: 10, evaluationIntervalSeconds: 0 }${extra}
workloads:
  - { kind: insert, table: account, count: 30, values: { name: "n{i}" } }
strategies: [{ kind: async, workers: 4 }, sequential]
repetitions: 1
warmup: 1
`;

    it("is given the least time the limit allows, in the org's time, with the window carried over", () => {
      const loaded = parseScenarioText(limited(), 'limited.yaml');
      const plan = dryRun(loaded.scenario);
      const [first, second] = plan.strategies;
      const specs = expandStrategies(loaded.scenario.strategies);
      const overhead = (name: string): number => {
        const spec = specs.find((s) => s.name === name);
        if (spec === undefined) throw new Error(`no strategy ${name}`);
        return 2 * repetitionOverheadMs(loaded.scenario, spec);
      };
      expect(first?.limitedBy).toBe('requests');
      expect(second?.limitedBy).toBe('requests');
      // The run's first repetition has one allowance free (two windows), every later one needs three.
      expect(first?.estimatedMs).toBeCloseTo(50_000 + overhead('async:4'), 6);
      expect(second?.estimatedMs).toBeCloseTo(60_000 + overhead('sequential'), 6);
      // Here the windows are a tenth as long; the repetitions' own overheads are not compressed.
      expect(first?.wallMs).toBeCloseTo(5_000 + overhead('async:4'), 6);
      const text = formatDryRun('limited', plan, false);
      expect(text).toMatch(/^async:4\s+30\s+60\s+300\.0% per repetition\s+60\s+≥ 5\d s$/m);
      expect(text).toContain('of the 10 s request limit');
      expect(text).toContain('≥ async:4, sequential: held by the request limit (10 per user per web server per 10 s)');
      expect(text).toMatch(/this run takes about 1\d s here/);
    });

    it("counts each web server's allowance when the client drops the affinity cookie, and none when the limits are off", () => {
      const two = dryRun(parseScenarioText(limited('\n  webServers: 3'), 'limited.yaml').scenario);
      // 30 requests fit 3 servers' allowance of 10: nothing holds them.
      expect(two.strategies.map((s) => s.limitedBy)).toEqual([null, null]);
      const pinned = dryRun(
        parseScenarioText(limited('\n  webServers: 3') + 'affinityCookie: true\n', 'limited.yaml').scenario,
      );
      expect(pinned.strategies.map((s) => s.limitedBy)).toEqual(['requests', 'requests']);
      const off = dryRun(
        parseScenarioText(
          limited().replace('limits: { requestsPerWindow', 'limits: { enabled: false, requestsPerWindow'),
          'limited.yaml',
        ).scenario,
      );
      expect(off.strategies.map((s) => s.limitedBy)).toEqual([null, null]);
      expect(formatDryRun('limited', off, false)).not.toContain('≥');
    });

    it("holds an org to Dataverse's own limits, not the ones the scenario gives its mock", () => {
      const plan = dryRun(parseScenarioText(limited(), 'limited.yaml').scenario, 'org');
      expect(plan.strategies.map((s) => s.limitedBy)).toEqual([null, null]);
      expect(plan.requestLimit).toEqual({ requests: 6000, windowSeconds: 300 });
      const text = formatDryRun('limited', plan, true);
      expect(text).toContain('of the 5-min request limit');
      expect(text).not.toContain('≥');
    });

    it('caps the workers at the concurrency limit of every web server the client is dealt to', () => {
      const scenario = (servers: number, cookie: boolean) =>
        parseScenarioText(
          `name: wide
mock:
  latency: { default: { baseMs: 50, distribution: none } }
  webServers: ${servers}
  limits: { concurrentRequests: 10 }
affinityCookie: ${cookie}
workloads:
  - { kind: insert, table: account, count: 300, values: { name: "n{i}" } }
strategies: [{ kind: async, workers: 30 }]
repetitions: 1
warmup: 0
`,
          'wide.yaml',
        ).scenario;
      const ms = (servers: number, cookie: boolean) =>
        dryRun(scenario(servers, cookie)).strategies[0]?.estimatedMs ?? 0;
      // One server lets 10 of the 30 run at once; three let all 30, unless the cookie pins the client to one.
      expect(ms(1, false) / ms(3, false)).toBeGreaterThan(2.5);
      expect(ms(3, true)).toBeCloseTo(ms(1, false), 6);
    });

    it('is a floor: the run takes at least that long', async () => {
      const loaded = parseScenarioText(limited(), 'limited.yaml');
      const plan = dryRun(loaded.scenario, 'mock', ['async:4']);
      const results = await new ScenarioRun(loaded, {
        outDir: await tempDir('dvbench-dry-'),
        target: { kind: 'mock' },
        only: ['async:4'],
      }).run();
      const strategy = results.strategies[0];
      expect(strategy?.errors.total).toBe(0);
      expect(strategy?.throttled.total).toBeGreaterThan(0);
      // The measured repetition follows the warm-up, which filled the window: three windows, less
      // the moment between the warm-up's last request and the measured repetition's first.
      expect(strategy?.wallMs.mean).toBeGreaterThanOrEqual(29_000);
      expect(plan.strategies[0]?.estimatedMs).toBeGreaterThanOrEqual(50_000);
    });
  });
});
