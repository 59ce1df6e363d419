import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../helpers/tempDirs.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLES = join(ROOT, 'examples', 'library');
const tempDir = useTempDirs();

/** Runs a command in `cwd` and answers its exit code and output, never throwing on a non-zero exit. */
async function sh(cmd: string, args: readonly string[], cwd: string) {
  try {
    const { stdout, stderr } = await run(cmd, [...args], {
      cwd,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const TYPES_CHECK = `import { compare, run, type RunResults } from 'dvbench';
import { mockAdmin, startMockServer, type MockConfigInput } from 'dvbench/mock';

const config: MockConfigInput = { dopHint: 8 };
export async function check(): Promise<number> {
  const mock = await startMockServer({ config, noAuth: true });
  await mockAdmin(mock.url).seed({ account: 1 });
  const results: RunResults = await run('s.yaml', { outDir: 'out', target: 'mock' });
  const c = await compare(results, 'out');
  // @ts-expect-error outDir is required
  await run('s.yaml', {});
  await mock.close();
  return c.regressions + results.strategies.length;
}
`;

describe('the packed tarball, installed into an empty project', () => {
  it('runs the README examples as written, with types, and keeps internals private', { timeout: 240_000 }, async () => {
    const dir = await tempDir('dvbench-pack-');
    const pack = await sh('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], ROOT);
    expect(pack.stderr).toBe('');
    const tarball = (await readdir(dir)).find((f) => f.endsWith('.tgz'));
    expect(tarball).toMatch(/^dvbench-\d+\.\d+\.\d+\.tgz$/);

    const project = join(dir, 'project');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'my-job', private: true, type: 'module' }));
    // Package tarballs come from the cache `npm ci` of this repository filled; npm still asks the
    // registry (the one source these machines reach) for the version lists it keeps no copy of.
    const install = await sh(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', join(dir, tarball ?? '')],
      project,
    );
    expect(install.stderr, 'npm install of the tarball').toBe('');
    expect(install.code).toBe(0);
    for (const f of await readdir(EXAMPLES)) await copyFile(join(EXAMPLES, f), join(project, f));

    const nodeTest = await sh(process.execPath, ['--test', 'mock-fixture.node-test.test.js'], project);
    expect(nodeTest.stdout).toMatch(/# pass 2\n# fail 0/);

    // vitest comes from this repository (a symlink), the package under test from the tarball.
    await symlink(join(ROOT, 'node_modules', 'vitest'), join(project, 'node_modules', 'vitest'), 'dir');
    const vitest = await sh(
      process.execPath,
      [join(project, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'mock-fixture.vitest.test.js', '--root', project],
      project,
    );
    expect(vitest.stdout + vitest.stderr).toMatch(/Tests\s+2 passed \(2\)/);
    expect(vitest.code).toBe(0);

    const script = await sh(process.execPath, ['run-a-scenario.js'], project);
    expect(script.stderr).not.toMatch(/Error|at .*\.js:\d+/);
    expect(script.stdout).toMatch(/^sequential: \d+\.\d ops\/s, verdict ok$/m);
    expect(script.stdout).toMatch(/^async:4: \d+\.\d ops\/s, verdict ok$/m);
    expect(script.stdout).toMatch(/^fastest: async:4, run verdict: ok$/m);
    expect(script.stdout).toMatch(/^regressions: \d+$/m);
    const results = JSON.parse(await readFile(join(project, 'out', 'current', 'results.json'), 'utf8')) as {
      mockCosts: { profile: string };
    };
    expect(results.mockCosts.profile).toBe('default');

    // The script workload, through the installed bin, as a user's CI would run it.
    const job = await sh(
      'npx',
      ['--offline', 'dvbench', 'run', 'my-job.yaml', '--profile', 'zero', '--out', 'job-out', '--quiet'],
      project,
    );
    expect(job.stderr).not.toMatch(/Error|at .*\.js:\d+/);
    expect(job.code).toBe(0);
    const jobResults = JSON.parse(await readFile(join(project, 'job-out', 'results.json'), 'utf8')) as {
      strategies: { name: string; operations: number; requests: number; integrity: { ok: boolean } }[];
    };
    expect(jobResults.strategies.map((s) => [s.name, s.operations, s.requests, s.integrity.ok])).toEqual([
      ['sequential', 50, 50, true],
      ['async:4', 50, 50, true],
      ['threads:2', 50, 50, true],
    ]);

    await writeFile(join(project, 'check.ts'), TYPES_CHECK);
    const tsc = await sh(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--skipLibCheck',
        '--typeRoots',
        join(ROOT, 'node_modules', '@types'),
        'check.ts',
      ],
      project,
    );
    expect(tsc.stdout + tsc.stderr).toBe('');

    const internal = await sh(
      process.execPath,
      ['-e', "await import('dvbench/dist/src/runner/ScenarioRun.js')"],
      project,
    );
    expect(internal.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');

    // @napi-rs/canvas is optional (npm install --omit=optional leaves it out): without it the mock,
    // the run and its reports work, and the PNG charts are left out with one line saying so.
    await rm(join(project, 'node_modules', '@napi-rs'), { recursive: true, force: true });
    await rm(join(project, 'out'), { recursive: true, force: true });
    const noCanvas = await sh(process.execPath, ['run-a-scenario.js'], project);
    expect(noCanvas.code).toBe(0);
    expect(noCanvas.stdout).toMatch(/^fastest: async:4, run verdict: ok$/m);
    expect(noCanvas.stderr).toContain('dvbench: PNG charts left out: @napi-rs/canvas is not installed');
    const written = await readdir(join(project, 'out', 'current'));
    expect(written).toEqual(expect.arrayContaining(['results.json', 'report.md', 'report.html', 'junit.xml']));
    expect(written.filter((f) => f.endsWith('.png'))).toEqual([]);
    expect(await readFile(join(project, 'out', 'current', 'report.md'), 'utf8')).not.toContain('.png');
    const fixture = await sh(process.execPath, ['--test', 'mock-fixture.node-test.test.js'], project);
    expect(fixture.stdout).toMatch(/# pass 2\n# fail 0/);
  });

  it('the README shows each library example exactly as the file the test runs', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const files = await readdir(EXAMPLES);
    expect(files.sort()).toEqual([
      'mock-fixture.node-test.test.js',
      'mock-fixture.vitest.test.js',
      'my-job.js',
      'my-job.yaml',
      'run-a-scenario.js',
    ]);
    for (const f of files) {
      const fence = f.endsWith('.yaml') ? 'yaml' : 'js';
      expect(readme).toContain(`\`\`\`${fence}\n${await readFile(join(EXAMPLES, f), 'utf8')}\`\`\``);
    }
  });
});
