import { mkdtemp, readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/runCli.js';

describe('dvbench calibrate: usage errors', () => {
  it.each([
    [[], '--out FILE is required'],
    [['--out', 'profile.txt', '--target', 'http://127.0.0.1:9'], "--out must name a .yaml file, got 'profile.txt'"],
    [['--out', 'p.yaml', '--target', 'mock'], 'it measures an org; give --target URL or set DATAVERSE_URL'],
    [['--out', 'p.yaml', '--name', 'a b', '--target', 'http://127.0.0.1:9'], '--name must be letters, digits'],
    [['--out', 'p.yaml', '--max-requests', '10', '--target', 'http://127.0.0.1:9'], '--max-requests'],
  ])('%j: exit 2 with the rule', async (args, message) => {
    const r = await runCli(['calibrate', ...args], { env: { DATAVERSE_URL: '', DATAVERSE_TOKEN: 'x' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('dvbench calibrate: a target that does not answer', () => {
  it('is a clear error naming the probe (exit 1), not a stack trace, and writes no profile', async () => {
    // Accepts every connection and closes it at once: no HTTP answer ever comes.
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const dir = await mkdtemp(join(tmpdir(), 'dvbench-calibrate-dead-'));
    try {
      const r = await runCli(['calibrate', '--out', join(dir, 'p.yaml'), '--target', `http://127.0.0.1:${port}`], {
        env: { DATAVERSE_TOKEN: 'x' },
        timeoutMs: 60_000,
      });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`http://127.0.0.1:${port} did not answer the round-trip probe`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      server.close();
    }
  });
});
