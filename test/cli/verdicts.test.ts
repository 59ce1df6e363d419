import { lockOutputFolder } from '../../src/output/outputFolder.js';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startMockServer } from '../../mock-server/index.js';
import type { RunResults } from '../../src/runner/RunResults.js';
import { connectMock } from '../helpers/useMockServer.js';
import { runCli } from '../helpers/runCli.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();
const dir = (): Promise<string> => tempDir('dvbench-verdicts-');

const exists = (p: string): Promise<boolean> =>
  access(p).then(
    () => true,
    () => false,
  );

const FAILING = `name: failing
mock: { profile: zero, faults: [{ kind: '503', rate: 1, table: account, operation: read }] }
data: { account: 10 }
workloads: [{ kind: read, table: account, count: 40, select: [name] }]
strategies: [sequential, async:4]
repetitions: 1
# Aborted in the warm-up: that repetition is kept, as the only evidence of why.
warmup: 1
`;

describe('a failed benchmark fails (repro 13)', () => {
  it('operations that all fail: exit 1, verdict FAILED first with the cause, no fastest, no speedup, no tracker files', async () => {
    const d = await dir();
    await writeFile(join(d, 's.yaml'), FAILING);
    const started = Date.now();
    const result = await runCli(['run', join(d, 's.yaml'), '--out', join(d, 'out'), '--quiet']);
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(result.stdout.split('\n').find((l) => l.startsWith('Verdict:'))).toMatch(
      /^Verdict: FAILED: sequential failed: aborted: its first 10 operations all failed \(HTTP 503: The service is temporarily unavailable/,
    );
    expect(result.stdout).not.toContain('fastest:');
    expect(result.stdout).toContain('recommended: none');
    expect(result.stdout).toMatch(
      /sequential: \d+ × HTTP 503: The service is temporarily unavailable\. Please try again later\. \(first: workload 0 \(query account\): accounts\?\$select=name\)/,
    );
    const results = JSON.parse(await readFile(join(d, 'out', 'results.json'), 'utf8')) as RunResults;
    expect(results.verdict.status).toBe('failed');
    expect(results.fastest).toBeNull();
    expect(
      results.strategies.every((s) => s.verdict.status === 'failed' && s.speedup === null && s.aborted !== null),
    ).toBe(true);
    expect(results.strategies[0]!.errors.causes[0]).toMatchObject({ kind: 'HTTP 503', status: 503, code: null });
    const md = await readFile(join(d, 'out', 'report.md'), 'utf8');
    expect(md.split('\n')[2]).toMatch(/^\*\*Verdict: FAILED: /);
    expect(md).toContain('## Causes of failed operations');
    // Nothing landed, so the audit had nothing to check: it does not say "passed".
    expect(md).toContain('Integrity audit: nothing to check: every operation failed, so no write landed to verify.');
    expect(await readFile(join(d, 'out', 'report.html'), 'utf8')).toContain(
      '<p class="verdict v-failed">Verdict: FAILED',
    );
    const junit = await readFile(join(d, 'out', 'junit.xml'), 'utf8');
    expect(junit).toContain('failures="2"');
    expect(junit).toMatch(
      /<testcase classname="dvbench.failing" name="sequential: verdict" time="[\d.]+"><failure message="sequential failed: aborted/,
    );
    // The failed run's results are a valid file: report renders them again, with the verdict and exit 1.
    const again = await runCli(['report', join(d, 'out'), '--no-charts']);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/^Verdict: FAILED: sequential failed: aborted/m);
    expect(results.strategies[0]!.repetitions).toHaveLength(1);
    for (const f of ['bencher.json', 'github-action-benchmark.smaller-is-better.json', 'speedup-vs-workers.png'])
      expect(await exists(join(d, 'out', f)), f).toBe(false);
  });

  it('failures within maxErrorRate are degraded: exit 0, reported, not hidden', async () => {
    const d = await dir();
    await writeFile(
      join(d, 's.yaml'),
      `name: degraded
mock: { profile: zero, seed: 3, faults: [{ kind: '503', rate: 0.5, table: account, operation: update }] }
data: { account: 60 }
workloads:
  - { kind: read, mode: retrieve, table: account, count: 40 }
  - { kind: update, table: account, count: 20, set: { telephone1: "1" } }
strategies: [sequential]
maxErrorRate: 0.5
repetitions: 1
warmup: 0
`,
    );
    const result = await runCli(['run', join(d, 's.yaml'), '--out', join(d, 'out'), '--quiet']);
    const results = JSON.parse(await readFile(join(d, 'out', 'results.json'), 'utf8')) as RunResults;
    const s = results.strategies[0]!;
    if (s.errors.total === 0) return; // every 503 was retried away: nothing to judge
    expect(result.code, result.stdout).toBe(0);
    expect(s.verdict.status).toBe('degraded');
    expect(result.stdout).toMatch(/^Verdict: DEGRADED: sequential degraded: \d+ of 60 operations failed/m);
    expect(s.byWorkload.map((w) => [w.workload, w.operations])).toEqual([
      [0, 40],
      [1, 20],
    ]);
    expect(s.byWorkload[0]!.failedOperations).toBe(0);
    expect(s.byWorkload[1]!.failedOperations).toBe(s.errors.total);
  });

  it('an unreachable target ends the run within seconds, with a failed verdict and reports (repro 11)', async () => {
    const d = await dir();
    await writeFile(
      join(d, 's.yaml'),
      'name: nowhere\nmock: { profile: zero }\nworkloads: [{ kind: read, table: account, count: 10 }]\nstrategies: [sequential]\nrepetitions: 1\nwarmup: 0\n',
    );
    const started = Date.now();
    const result = await runCli(
      ['run', join(d, 's.yaml'), '--out', join(d, 'out'), '--target', 'http://127.0.0.1:9', '--quiet'],
      { env: { DATAVERSE_TOKEN: 'any-token-123456' } },
    );
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.stderr).toContain('dvbench: nowhere: target the org http://127.0.0.1:9 (from --target)');
    expect(result.stdout).toContain(
      'Verdict: FAILED: the run could not start: http://127.0.0.1:9 cannot be reached: connect ECONNREFUSED',
    );
    expect(await readFile(join(d, 'out', 'junit.xml'), 'utf8')).toContain(
      '<failure message="Verdict: FAILED: the run could not start',
    );
  });

  it('a target that dies in the middle of a run stops it within seconds (repro 11)', async () => {
    const org = await startMockServer({
      port: 0,
      config: { latency: { default: { baseMs: 8, distribution: 'none' } } },
    });
    const token = (await connectMock(org)).token;
    const d = await dir();
    await writeFile(
      join(d, 's.yaml'),
      'name: dies\nmock: { profile: zero }\nworkloads: [{ kind: insert, table: account, count: 3000, values: { name: "O{i}" } }]\nstrategies: [async:4]\nrepetitions: 2\nwarmup: 0\n',
    );
    const run = runCli(['run', join(d, 's.yaml'), '--out', join(d, 'out'), '--allow-writes', '--quiet'], {
      env: { DATAVERSE_URL: org.url, DATAVERSE_TOKEN: token },
    });
    // Kill it once the run is under way (records are landing), however slow the machine is to start it.
    for (let waited = 0; (org.context.store.counts().account ?? 0) < 20 && waited < 30_000; waited += 50)
      await new Promise((r) => setTimeout(r, 50));
    const killedAt = Date.now();
    await org.close();
    const result = await run;
    expect(Date.now() - killedAt).toBeLessThan(15_000);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Verdict: FAILED: the run stopped: .*cannot be reached/);
  });

  it('an expired DATAVERSE_TOKEN is refused before anything is sent, with the way to a fresh one; one expiring mid-run is warned about', async () => {
    await withOrgScenario(
      'name: stale\nworkloads: [{ kind: read, table: account, count: 200 }]\nstrategies: [sequential]\nrepetitions: 1\nwarmup: 0\n',
      async (org, d) => {
        const jwt = (exp: number): string =>
          `e30.${Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + exp })).toString('base64url')}.x`;
        const expired = await runCli(['run', join(d, 's.yaml'), '--out', join(d, 'out'), '--quiet'], {
          env: { DATAVERSE_URL: org.url, DATAVERSE_TOKEN: jwt(-600) },
        });
        expect(expired.code).toBe(1);
        expect(expired.stderr).toContain('target: DATAVERSE_TOKEN expired 10 min ago. Get a fresh one');
        expect(org.context.stats.snapshot().total).toBe(0);
        // 200 reads at the default profile's costs take longer than 8 s: said at the start, and the run goes on.
        const expiring = await runCli(['run', join(d, 's.yaml'), '--out', join(d, 'out2'), '--quiet'], {
          env: { DATAVERSE_URL: org.url, DATAVERSE_TOKEN: jwt(8) },
        });
        expect(expiring.stderr).toMatch(
          /warning: DATAVERSE_TOKEN expires in [1-8] s, and the run is estimated at about \d+ s/,
        );
      },
    );
  });

  it('a token the target refuses stops the run before any work, naming the identity (DVB_ERR_AUTH)', async () => {
    await withOrgScenario(
      'name: refused\nmock: { profile: zero }\nworkloads: [{ kind: read, table: account, count: 10 }]\nstrategies: [sequential, async:4]\nrepetitions: 1\nwarmup: 0\n',
      async (org, d) => {
        const result = await runCli(['run', join(d, 's.yaml'), '--out', join(d, 'out'), '--quiet'], {
          env: { DATAVERSE_URL: org.url, DATAVERSE_TOKEN: 'not-a-token-of-this-org' },
        });
        expect(result.code).toBe(1);
        expect(result.stdout).toContain("refused identity 1's token: GET WhoAmI answered 401");
        expect(result.stdout).not.toContain('not-a-token-of-this-org');
        const results = JSON.parse(await readFile(join(d, 'out', 'results.json'), 'utf8')) as RunResults;
        expect(results.strategies).toEqual([]);
        expect(results.verdict.status).toBe('failed');
      },
    );
  });
});

/** A mock standing in for an org and a folder holding its scenario as s.yaml; the org is closed after. */
async function withOrgScenario(
  text: string,
  body: (org: Awaited<ReturnType<typeof startMockServer>>, d: string) => Promise<void>,
): Promise<void> {
  const org = await startMockServer({ port: 0 });
  try {
    const d = await dir();
    await writeFile(join(d, 's.yaml'), text);
    await body(org, d);
  } finally {
    await org.close();
  }
}

const STABLE = `name: stable
mock: { profile: zero }
data: { account: 20 }
workloads: [{ kind: read, mode: retrieve, table: account, count: 20 }]
strategies: [sequential, async:4, { kind: batch, size: 10, inFlight: 1 }]
repetitions: 1
warmup: 0
thresholds:
  - { strategy: "async:4", metric: errors, op: "==", value: 0 }
  - { strategy: "batch:10x1", metric: p95, op: "<", value: 0.001, requestKind: batch }
`;

describe('thresholds and --strategies', () => {
  it('thresholds on strategies left out by --strategies are skipped, not failed', async () => {
    const d = await dir();
    await writeFile(join(d, 's.yaml'), STABLE);
    const result = await runCli([
      'run',
      join(d, 's.yaml'),
      '--out',
      join(d, 'out'),
      '--strategies',
      'sequential,async:4',
      '--quiet',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      'threshold p95 of batch:10x1 (batch requests): skipped (--strategies left batch:10x1 out)',
    );
    expect(await readFile(join(d, 'out', 'junit.xml'), 'utf8')).toContain(
      '<skipped message="p95 of batch:10x1 (batch requests): skipped (--strategies left batch:10x1 out)',
    );
  });

  it('a speedup threshold without its sequential baseline (--strategies) is skipped, not failed', async () => {
    const d = await dir();
    await writeFile(
      join(d, 's.yaml'),
      STABLE.replace(
        /thresholds:[\s\S]*$/,
        'thresholds: [{ strategy: "async:4", metric: speedup, op: ">=", value: 1.5 }]\n',
      ),
    );
    const result = await runCli([
      'run',
      join(d, 's.yaml'),
      '--out',
      join(d, 'out'),
      '--strategies',
      'async:4',
      '--quiet',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Verdict: OK$/m);
    expect(result.stderr).toContain(
      'threshold speedup of async:4: skipped (--strategies left sequential out, and speedup is measured against it), needs >= 1.50',
    );
  });

  it('a missed threshold is the verdict: FAILED, in the same words in the terminal, report.md, report.html, junit.xml and results.json', async () => {
    const d = await dir();
    await writeFile(join(d, 's.yaml'), STABLE);
    const result = await runCli(['run', join(d, 's.yaml'), '--out', join(d, 'out'), '--quiet']);
    expect(result.code).toBe(1);
    const headline =
      /^Verdict: FAILED: 1 threshold missed: p95 of batch:10x1 \(batch requests\) = [\d.]+ ms, needs < 0\.00 ms$/m;
    expect(result.stdout).toMatch(headline);
    const results = JSON.parse(await readFile(join(d, 'out', 'results.json'), 'utf8')) as RunResults;
    expect(results.verdict.status).toBe('failed');
    expect(results.thresholds.map((t) => t.passed)).toEqual([true, false]);
    const line = result.stdout.split('\n').find((l) => headline.test(l)) ?? '';
    // Both reports escape markup: the same words, with < written as &lt;.
    const html = line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    expect(await readFile(join(d, 'out', 'report.md'), 'utf8')).toContain(`**${html}**`);
    expect(await readFile(join(d, 'out', 'report.html'), 'utf8')).toContain(`<p class="verdict v-failed">${html}</p>`);
    expect(await readFile(join(d, 'out', 'junit.xml'), 'utf8')).toContain('type="threshold"');
  });

  it('a threshold on a request kind judges those requests only', async () => {
    const d = await dir();
    await writeFile(join(d, 's.yaml'), STABLE);
    const result = await runCli(['run', join(d, 's.yaml'), '--out', join(d, 'out'), '--quiet']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^threshold missed: p95 of batch:10x1 \(batch requests\) = [\d.]+ ms, needs < 0\.00 ms$/m,
    );
  });
});

describe('the output folder is checked before anything runs', () => {
  it("one folder, one run at a time: a second run is refused (exit 2) and the first one's results survive (repro 10)", async () => {
    const d = await dir();
    const out = join(d, 'out');
    await mkdir(out);
    await writeFile(join(d, 's.yaml'), STABLE.replace(/thresholds:[\s\S]*$/, ''));
    // A live process holds the lock (this test's own), as another run would.
    await writeFile(join(out, '.dvbench.lock'), `${process.pid}\n`);
    const refused = await runCli(['run', join(d, 's.yaml'), '--out', out, '--quiet']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`another dvbench run (pid ${process.pid}) is writing there`);
    expect(await exists(join(out, 'results.json'))).toBe(false);
    // A lock left by a run that is gone is taken over.
    await writeFile(join(out, '.dvbench.lock'), '999999999\n');
    const ok = await runCli(['run', join(d, 's.yaml'), '--out', out, '--quiet']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(await exists(join(out, '.dvbench.lock'))).toBe(false);
  });

  it('a lock is proven live by its pid and the start time of that process, not the pid alone (repro 29)', async () => {
    const d = await dir();
    const out = join(d, 'out');
    await mkdir(out);
    await writeFile(join(d, 's.yaml'), STABLE.replace(/thresholds:[\s\S]*$/, ''));
    // This test's pid, but a process that started at another moment: a pid reused after a SIGKILL.
    await writeFile(join(out, '.dvbench.lock'), `${process.pid} 1\n`);
    const ok = await runCli(['run', join(d, 's.yaml'), '--out', out, '--quiet']);
    expect(ok.code, ok.stderr).toBe(0);
    // The lock names the very process that asks (in a container every run is pid 1): stale too.
    await writeFile(join(out, '.dvbench.lock'), `${process.pid}\n`);
    const release = await lockOutputFolder(out);
    await expect(lockOutputFolder(out)).rejects.toThrow(`another dvbench run (pid ${process.pid}) is writing there`);
    await release();
  });

  it('an unwritable --out is exit 2 at once, with one line and no stack trace (repro 17)', async () => {
    const d = await dir();
    await writeFile(join(d, 's.yaml'), STABLE.replace(/thresholds:[\s\S]*$/, ''));
    await writeFile(join(d, 'file'), '');
    const started = Date.now();
    const result = await runCli(['run', join(d, 's.yaml'), '--out', join(d, 'file', 'out'), '--quiet']);
    expect(result.code).toBe(2);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.stderr).toContain(`--out ${join(d, 'file', 'out')}: cannot write there (ENOTDIR)`);
    expect(result.stderr).not.toContain('    at ');
  });

  it('scenarios of one name in a suite are refused before anything runs', async () => {
    const d = await dir();
    await mkdir(join(d, 'suite'));
    await writeFile(join(d, 'suite', 'a.yaml'), STABLE.replace(/thresholds:[\s\S]*$/, ''));
    await writeFile(join(d, 'suite', 'b.yaml'), STABLE.replace(/thresholds:[\s\S]*$/, ''));
    const result = await runCli(['run', join(d, 'suite'), '--out', join(d, 'out'), '--quiet']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("b.yaml: name 'stable' is also the name of");
  });
});

describe('compare counts errors and verdicts', () => {
  it('a change from 0 to N failed operations is a regression (exit 1), and both runs are named', async () => {
    const d = await dir();
    const fixture = JSON.parse(
      await readFile(new URL('../fixtures/results.json', import.meta.url), 'utf8'),
    ) as RunResults;
    const failing: RunResults = {
      ...fixture,
      runId: 'current-run',
      strategies: fixture.strategies.map((s) =>
        s.name === 'async:2'
          ? {
              ...s,
              errors: { ...s.errors, total: 9, rate: 0.05 },
              verdict: { status: 'failed' as const, reasons: ['9 of 180 operations failed'] },
            }
          : s,
      ),
    };
    await mkdir(join(d, 'a'));
    await mkdir(join(d, 'b'));
    await writeFile(join(d, 'a', 'results.json'), JSON.stringify(fixture));
    await writeFile(join(d, 'b', 'results.json'), JSON.stringify(failing));
    const result = await runCli(['compare', join(d, 'a'), join(d, 'b')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'regression: async:2 is worse; failed operations 0.00% → 5.00%; verdict ok → failed',
    );
    expect(result.stdout).toContain(`- Base: ${join(d, 'a', 'results.json')} (run ${fixture.runId}`);
    expect(result.stdout).toContain(`- Current: ${join(d, 'b', 'results.json')} (run current-run`);
    expect(result.stdout).not.toContain('![');
    expect(await readFile(join(d, 'b', 'compare.html'), 'utf8')).toContain('Base: ');
  });
});
