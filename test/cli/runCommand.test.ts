import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/runner/RunResults.js';
import { runCli } from '../helpers/runCli.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

const BIN = new URL('../../bin/dvbench.js', import.meta.url).pathname;

const TINY = (name: string, extra = ''): string => `name: ${name}
mock: { profile: zero }
data: { account: 20 }
workloads:
  - { kind: read, mode: retrieve, table: account, count: 10 }
strategies: [sequential, { kind: async, workers: 2 }]
repetitions: 1
warmup: 0
${extra}`;

const SLOW = `name: slow
mock:
  latency: { default: { baseMs: 20, distribution: none } }
data: { account: 20 }
workloads:
  - { kind: read, mode: retrieve, table: account, count: 10 }
  - { kind: insert, table: account, count: 200, values: { name: "n{i}" } }
strategies: [{ kind: async, workers: 2 }, sequential]
repetitions: 1
warmup: 0
`;

async function dir(): Promise<string> {
  return tempDir('dvbench-cli-run-');
}

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('dvbench run (CLI)', () => {
  it('runs a scenario, prints the summary table and writes results.json', async () => {
    const d = await dir();
    await writeFile(join(d, 's.yaml'), TINY('tiny'));
    const result = await runCli(['run', join(d, 's.yaml'), '--out', join(d, 'out')], { env: { CI: 'true' } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Verdict: OK$/m);
    expect(result.stdout).toMatch(/strategy\s+verdict\s+wall ms \(±95% CI\)\s+speedup/);
    expect(result.stdout).toMatch(/^async:2\s+ok\s+\d+ \(n=1\)\s+[\d.]+×/m);
    expect(result.stderr).toContain('tiny: target the embedded mock');
    expect(result.stderr).toContain('[1/2] sequential: 0 warm-up + 1 measured repetition(s)');
    expect(result.stderr).toMatch(/repetition 1: \d+ ms, [\d.]+ ops\/s/);
    const results = JSON.parse(await readFile(join(d, 'out', 'results.json'), 'utf8')) as RunResults;
    expect(results.partial).toBe(false);
    expect(results.strategies).toHaveLength(2);
  });

  it('SIGTERM in the middle of a run leaves a valid results.json marked partial, exits 130, and the mock process is gone', async () => {
    const d = await dir();
    await writeFile(join(d, 's.yaml'), SLOW);
    const out = join(d, 'out');
    const child = spawn(process.execPath, [BIN, 'run', join(d, 's.yaml'), '--out', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true' },
    });
    let stderr = '';
    let mockPids: number[] = [];
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        resolve(code);
      }),
    );
    await new Promise<void>((resolve) => {
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (stderr.includes('[2/2] sequential')) resolve();
      });
    });
    mockPids = childrenOf(child.pid!);
    expect(mockPids.length).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    const code = await exited;
    expect(code).toBe(130);
    expect(stderr).toContain('SIGTERM: finishing the operations in flight and writing partial results');
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
    expect(results.partial).toBe(true);
    expect(results.interruption).toBe('SIGTERM');
    expect(results.strategies.map((s) => s.name)).toEqual(['async:2']);
    expect(results.strategies[0]!.complete).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    for (const pid of mockPids) expect(alive(pid), `process ${pid}`).toBe(false);
    expect((await readdir(out)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a mock that dies mid-run ends the run with a clear error, not a hang', async () => {
    const d = await dir();
    // A threshold on the strategy the interruption stops before: skipped, not a failure.
    await writeFile(
      join(d, 's.yaml'),
      `${SLOW}thresholds: [{ strategy: sequential, metric: errors, op: "==", value: 0 }]\n`,
    );
    const child = spawn(process.execPath, [BIN, 'run', join(d, 's.yaml'), '--out', join(d, 'out')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true' },
    });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        resolve(code);
      }),
    );
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (stderr.includes('[1/2]')) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
    await new Promise((r) => setTimeout(r, 300));
    for (const pid of childrenOf(child.pid!)) process.kill(pid, 'SIGKILL');
    const code = await Promise.race([
      exited,
      new Promise<'hang'>((r) =>
        setTimeout(() => {
          r('hang');
        }, 20_000),
      ),
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/died|ECONNREFUSED|socket|other side closed/);
    expect(stderr).not.toMatch(/\n\s+at /);
    const results = JSON.parse(await readFile(join(d, 'out', 'results.json'), 'utf8')) as RunResults;
    expect(results.partial).toBe(true);
    expect(results.interruption).toMatch(/^error: /);
  });

  it('an invalid scenario exits 2 with file:line:col, and nothing runs or is written', async () => {
    const d = await dir();
    await writeFile(join(d, 'good.yaml'), TINY('good'));
    await writeFile(join(d, 'bad.yaml'), TINY('bad').replace('count: 10', 'count: -3'));
    const result = await runCli(['run', join(d, 'good.yaml'), join(d, 'bad.yaml'), '--out', join(d, 'out')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `${join(d, 'bad.yaml')}:5:58: workloads[0].count: Too small: expected number to be >=1`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(d, 'out'))).toBe(false);
  });

  it('a folder is a suite: each scenario in its own folder, plus suite.md and junit.xml, one exit code', async () => {
    const d = await dir();
    await mkdir(join(d, 'suite'));
    await writeFile(join(d, 'suite', 'a.yaml'), TINY('alpha'));
    await writeFile(join(d, 'suite', 'b.yaml'), TINY('beta'));
    const result = await runCli(['run', join(d, 'suite'), '--out', join(d, 'out'), '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(await readFile(join(d, 'out', 'alpha', 'results.json'), 'utf8'))).toMatchObject({
      partial: false,
    });
    expect(JSON.parse(await readFile(join(d, 'out', 'beta', 'results.json'), 'utf8'))).toMatchObject({
      partial: false,
    });
    const md = await readFile(join(d, 'out', 'suite.md'), 'utf8');
    expect(md).toMatch(/\| alpha \| ok \| ok \| .* \| \[report\.md\]\(alpha\/report\.md\) \|/);
    const junit = await readFile(join(d, 'out', 'junit.xml'), 'utf8');
    expect(junit).toContain('<testsuites name="dvbench" tests="2" failures="0">');
    expect(junit).toContain('<testcase classname="dvbench.suite" name="beta"');
  });

  it('--strategies picks strategies by name, and an unknown name is a usage error', async () => {
    const d = await dir();
    await writeFile(join(d, 's.yaml'), TINY('pick'));
    const ok = await runCli(['run', join(d, 's.yaml'), '--out', join(d, 'o1'), '--strategies', 'async:2', '--quiet']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(
      (JSON.parse(await readFile(join(d, 'o1', 'results.json'), 'utf8')) as RunResults).strategies.map((s) => s.name),
    ).toEqual(['async:2']);
    const bad = await runCli(['run', join(d, 's.yaml'), '--out', join(d, 'o2'), '--strategies', 'async:9']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no strategy left to run: --strategies named none of sequential, async:2');
  });

  it('validate checks files without running, and reports problems with exit 2', async () => {
    const ok = await runCli(['validate', 'scenarios']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('scenarios/paper-reproduction.yaml: ok');
    const d = await dir();
    await writeFile(join(d, 'bad.yaml'), 'name: x\nworkloads: []\nstrategies: [sequential]\n');
    const bad = await runCli(['validate', join(d, 'bad.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${join(d, 'bad.yaml')}:2:12: workloads: Too small: expected array to have >=1 items`);
  });
});

describe('dvbench run and Ctrl-C', () => {
  it('SIGINT (Ctrl-C) leaves partial results and no mock process, like SIGTERM', async () => {
    const d = await dir();
    // A threshold on the strategy the interruption stops before: skipped, not a failure.
    await writeFile(
      join(d, 's.yaml'),
      `${SLOW}thresholds: [{ strategy: sequential, metric: errors, op: "==", value: 0 }]\n`,
    );
    const child = spawn(process.execPath, [BIN, 'run', join(d, 's.yaml'), '--out', join(d, 'out')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true' },
    });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        resolve(code);
      }),
    );
    await new Promise<void>((resolve) => {
      child.stderr.setEncoding('utf8').on('data', (text: string) => {
        stderr += text;
        if (stderr.includes('[1/2]')) resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 200));
    const mocks = childrenOf(child.pid!);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const results = JSON.parse(await readFile(join(d, 'out', 'results.json'), 'utf8')) as RunResults;
    expect(results).toMatchObject({ partial: true, interruption: 'SIGINT' });
    // Interrupted is its own verdict, in results.json and every report, not FAILED.
    expect(results.verdict.status).toBe('interrupted');
    expect(results.thresholds.map((t) => [t.skipped, t.passed])).toEqual([[true, true]]);
    expect(results.thresholds[0]?.message).toContain(
      'skipped (the run was interrupted (SIGINT) before sequential finished)',
    );
    expect(await readFile(join(d, 'out', 'report.md'), 'utf8')).toContain(
      '**Verdict: INTERRUPTED: interrupted by SIGINT',
    );
    expect(await readFile(join(d, 'out', 'report.html'), 'utf8')).toContain(
      '<p class="verdict v-interrupted">Verdict: INTERRUPTED',
    );
    await new Promise((r) => setTimeout(r, 200));
    for (const pid of mocks) expect(alive(pid)).toBe(false);
  });
});

describe('dvbench run target selection', () => {
  it('a URL in the scenario file is used only when DATAVERSE_URL or --target confirms it; a dry run needs no credentials', async () => {
    const d = await dir();
    await writeFile(
      join(d, 's.yaml'),
      'name: fromfile\nmock: { profile: zero }\ntarget: { url: "https://contoso.crm.dynamics.com" }\nworkloads: [{ kind: read, table: account, count: 5 }]\nstrategies: [sequential]\n',
    );
    const env = { DATAVERSE_URL: '', DATAVERSE_TOKEN: '', AZURE_TENANT_ID: '' };
    const refused = await runCli(['run', join(d, 's.yaml'), '--out', join(d, 'out')], {
      env: { ...env, DATAVERSE_TOKEN: 'tok-123456789' },
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'target: the scenario file names https://contoso.crm.dynamics.com; credentials are only sent to a URL given on the command line or in DATAVERSE_URL. Pass --target https://contoso.crm.dynamics.com to confirm it, or --target mock.',
    );
    const confirmed = await runCli(['run', join(d, 's.yaml'), '--out', join(d, 'out')], {
      env: { ...env, DATAVERSE_URL: 'https://contoso.crm.dynamics.com' },
    });
    expect(confirmed.code).toBe(2);
    expect(confirmed.stderr).toContain(
      'target: AZURE_TENANT_ID is not set; it is needed to sign in to https://contoso.crm.dynamics.com (the target, from DATAVERSE_URL) with DVBENCH_AUTH=client-secret.',
    );
    expect(confirmed.stderr).toContain('pass --target mock');
    const dry = await runCli(['run', join(d, 's.yaml'), '--dry-run', '--target', 'https://contoso.crm.dynamics.com'], {
      env,
    });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('target: the org https://contoso.crm.dynamics.com (from --target)');
    expect(dry.stdout).not.toContain('(The target is the mock');
  });

  it('--bypass-custom-logic runs the same scenario with the plug-ins skipped: same name, so compare takes both', async () => {
    const dir = await tempDir('dvbench-cli-');
    const file = join(dir, 'plugins.yaml');
    await writeFile(
      file,
      'name: plugins\nmock: { profile: zero, plugins: [{ table: account, messages: [create], ms: 25 }] }\nworkloads: [{ kind: insert, table: account, count: 4, values: { name: "p{i}" } }]\nstrategies: [sequential]\nrepetitions: 1\nwarmup: 0\n',
    );
    const busy = async (out: string): Promise<[boolean, number | undefined]> => {
      const r = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
      return [r.scenario.bypassCustomLogic, r.strategies[0]?.server?.busyMs];
    };
    expect((await runCli(['run', file, '--out', join(dir, 'a'), '--quiet'])).code).toBe(0);
    const bypassed = await runCli(['run', file, '--bypass-custom-logic', '--out', join(dir, 'b'), '--quiet']);
    expect(bypassed.code, bypassed.stderr).toBe(0);
    expect(await busy(join(dir, 'a'))).toEqual([false, 100]);
    expect(await busy(join(dir, 'b'))).toEqual([true, 0]);
    const compared = await runCli(['compare', join(dir, 'a', 'results.json'), join(dir, 'b', 'results.json')]);
    expect(compared.stdout).toContain('# dvbench compare: plugins');
  }, 60_000);
});
