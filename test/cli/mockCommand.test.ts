import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/runCli.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

const BIN = new URL('../../bin/dvbench.js', import.meta.url).pathname;

describe('dvbench mock (CLI, compiled)', () => {
  it('prints the listening line first, serves, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'mock', '--port', '0', '--no-auth'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const lines = createInterface({ input: child.stdout });
      const [first] = (await once(lines, 'line')) as [string];
      expect(first).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
      const url = first.replace('listening on ', '');
      const res = await request(`${url}/api/data/v9.2/WhoAmI`);
      expect(res.statusCode).toBe(200);
      await res.body.dump();
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('requires a token unless --no-auth', async () => {
    const child = spawn(process.execPath, [BIN, 'mock', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const [first] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const res = await request(`${first.replace('listening on ', '')}/api/data/v9.2/WhoAmI`);
      expect(res.statusCode).toBe(401);
      await res.body.dump();
      child.kill('SIGINT');
      expect(((await once(child, 'exit')) as [number | null])[0]).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it.each([
    [['mock', '--port', 'abc'], "dvbench mock: --port must be a whole number from 0 to 65535, got 'abc'."],
    [['mock', '--bogus'], "dvbench mock: Unknown option '--bogus'. See 'dvbench mock --help'."],
    [['mock', 'extra'], "dvbench mock: Unexpected argument 'extra'. See 'dvbench mock --help'."],
    [['frobnicate'], "dvbench: unknown command 'frobnicate'."],
  ])('%j exits 2 with one clear line and no stack trace', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a bad --config file exits 2 naming the file and key', async () => {
    const dir = await tempDir('dvbench-cli-');
    const file = join(dir, 'mock.yaml');
    await writeFile(file, 'auth:\n  enabled: maybe\n');
    const result = await runCli(['mock', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`invalid mock configuration in ${file}`);
    expect(result.stderr).toContain('auth.enabled: Invalid input: expected boolean');
    const missing = await runCli(['mock', '--config', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('file not found');
  });

  it('a port in use exits 1 with a hint', async () => {
    const child = spawn(process.execPath, [BIN, 'mock', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const [first] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const port = first.split(':').pop() ?? '';
      const result = await runCli(['mock', '--port', port]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('--help lists the commands and the mock options', async () => {
    const main = await runCli(['--help']);
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(
      /Commands:\n {2}run .*\n {2}validate .*\n {2}report .*\n {2}compare .*\n {2}tune .*\n {2}calibrate .*\n {2}predict .*\n {2}forecast .*\n {2}merge .*\n {2}cleanup .*\n {2}demo .*\n {2}mock /,
    );
    const mock = await runCli(['mock', '--help']);
    for (const flag of ['--port', '--host', '--config', '--no-auth']) expect(mock.stdout).toContain(flag);
  });

  it('demo runs the embedded mock end to end and exits 0', async () => {
    const result = await runCli(['demo', '--records', '20']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/create\s+20\s+204×20/);
    expect(result.stdout).toContain('all calls succeeded');
  });
});

describe('dvbench mock quick knobs', () => {
  it('--latency 300 shows 429s to a client that opens 70 concurrent requests', async () => {
    const child = spawn(process.execPath, [BIN, 'mock', '--port', '0', '--latency', '300', '--no-auth'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const [first] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const url = `${first.replace('listening on ', '')}/api/data/v9.2/WhoAmI`;
      const results = await Promise.all(
        Array.from({ length: 70 }, async () => {
          const res = await request(url);
          const body = await res.body.text();
          return { status: res.statusCode, body };
        }),
      );
      const throttled = results.filter((r) => r.status === 429);
      expect(throttled.length).toBeGreaterThanOrEqual(10);
      expect(throttled[0]!.body).toContain('0x80072326');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it.each([
    [['mock', '--latency=-5'], "--latency must be a number from 0 to 600000, got '-5'."],
    [['mock', '--time-scale', 'fast'], "--time-scale must be a number from 0.001 to 100000, got 'fast'."],
    [['mock', '--capacity', '0'], "--capacity must be a whole number from 1 to 100000, got '0'."],
  ])('%j exits 2', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
