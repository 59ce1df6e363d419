import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../helpers/runProcess.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const BIN = new URL('../../bin/dvbench.js', import.meta.url).pathname;
const HERE = new URL('.', import.meta.url).pathname;
const tempDir = useTempDirs();

/** A python3 with Debian's python3-azure, python3-msal, python3-requests and python3-pandas (docs/interop.md). */
const PYTHON = ['python3', '/usr/bin/python3'].find(
  (candidate) => spawnSync(candidate, ['-c', 'import msal, azure.identity, requests, pandas']).status === 0,
);

describe("Microsoft's Python SDK against dvbench mock --tls, signed in through azure-identity", () => {
  let mock: ChildProcess | undefined;
  let url = '';
  let caFile = '';

  beforeAll(async () => {
    if (PYTHON === undefined) return;
    caFile = join(await tempDir('dvbench-python-sdk-'), 'ca.pem');
    const config = join(HERE, 'python-sdk-mock.yaml');
    const child = spawn(
      process.execPath,
      [BIN, 'mock', '--port', '0', '--tls', '--tls-ca', caFile, '--config', config],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    mock = child;
    let out = '';
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const found = /listening on (https:\/\/\S+)/.exec(out);
        if (found?.[1] !== undefined) resolve(found[1]);
      });
      child.on('close', (code) => {
        reject(new Error(`dvbench mock exited ${code}: ${err}`));
      });
    });
  });
  afterAll(() => {
    mock?.kill('SIGTERM');
  });

  it.skipIf(PYTHON === undefined)(
    'passes every step of its smoke script unchanged: CRUD, bulk, $batch, paging, metadata, sql, BulkDelete, a 429',
    async () => {
      const result = await runProcess(PYTHON ?? 'python3', [join(HERE, 'python_sdk_smoke.py'), url], {
        PYTHONPATH: join(HERE, 'vendor', 'PowerPlatform-DataverseClient-Python', 'src'),
        REQUESTS_CA_BUNDLE: caFile,
        PYTHONWARNINGS: 'ignore::DeprecationWarning',
      });
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const steps = result.stdout.split('\n').filter((l) => /^(ok|FAIL) /.test(l));
      expect(steps.filter((l) => l.startsWith('FAIL'))).toEqual([]);
      expect(steps).toHaveLength(25);
      expect(result.stdout).toMatch(/^ok {3}sign-in \(azure-identity ClientSecretCredential\): True$/m);
      expect(result.stdout).toMatch(
        /^ok {3}records\.get paging \(page_size=2, nextLink followed\): \[2, 2, 2(, \d)*\]$/m,
      );
      expect(result.stdout).toMatch(
        /^ok {3}429 from the service protection limits: 429 after \d+ calls, retry after \d+ s$/m,
      );
      expect(result.stdout).toContain('0 failed');
    },
    120_000,
  );
});
