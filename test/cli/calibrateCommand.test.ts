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
