import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/runCli.js';
import { runProcess } from '../helpers/runProcess.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const BIN = new URL('../../bin/dvbench.js', import.meta.url).pathname;
const tempDir = useTempDirs();
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

/**
 * A python3 with Debian's python3-msal, python3-azure and python3-requests (docs/interop.md):
 * the one on PATH, or Debian's own when PATH leads to another (pyenv) without them.
 */
const PYTHON = ['python3', '/usr/bin/python3'].find(
  (candidate) => spawnSync(candidate, ['-c', 'import msal, azure.identity, requests']).status === 0,
);

/** Runs a program to completion; its stdout, or a failure with its stderr. */
async function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const r = await runProcess(command, args, env);
  if (r.code !== 0) throw new Error(`${command} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** MSAL for Node, as a user's own code would call it, in a process that trusts the mock's authority. */
const NODE_SIGN_IN = `
import { ConfidentialClientApplication } from '@azure/msal-node';
const url = process.env.MOCK_URL;
const app = new ConfidentialClientApplication({ auth: {
  clientId: 'my-app', clientSecret: 'my-secret', authority: url + '/${TENANT}', knownAuthorities: [new URL(url).host] } });
const { accessToken } = await app.acquireTokenByClientCredential({ scopes: [url + '/.default'] });
const res = await fetch(url + '/api/data/v9.2/WhoAmI', { headers: { authorization: 'Bearer ' + accessToken } });
console.log(JSON.stringify({ status: res.status, body: await res.json() }));
`;

/** azure-identity and MSAL for Python, unchanged but for the authority host. */
const PYTHON_SIGN_IN = `
import json, os, msal, requests
from azure.identity import ClientSecretCredential
url = os.environ['MOCK_URL']
from azure.identity import __version__ as v
# 1.13.0 calls it disable_instance_discovery; its betas (Debian 12 ships 1.13.0b2) instance_discovery.
kw = {'instance_discovery': False} if v.startswith('1.13.0b') else {'disable_instance_discovery': True}
cred = ClientSecretCredential('${TENANT}', 'my-app', 'my-secret', authority=url.split('//')[1], **kw)
token = cred.get_token(url + '/.default').token
who = requests.get(url + '/api/data/v9.2/WhoAmI', headers={'Authorization': 'Bearer ' + token})
app = msal.ConfidentialClientApplication('my-app', client_credential='my-secret', authority=url + '/${TENANT}',
    instance_discovery=url + '/common/discovery/instance')
msal_token = app.acquire_token_for_client(scopes=[url + '/.default'])
print(json.dumps({'status': who.status_code, 'userId': who.json().get('UserId'), 'msal': 'access_token' in msal_token}))
`;

describe('dvbench mock --tls: HTTPS and an Entra-like authority that official clients sign in against', () => {
  let mock: ChildProcess;
  let url = '';
  let caFile = '';
  let stderr = '';

  beforeAll(async () => {
    const dir = await tempDir('dvbench-tls-');
    caFile = join(dir, 'ca.pem');
    mock = spawn(process.execPath, [BIN, 'mock', '--port', '0', '--tls', '--tls-ca', caFile, '--profile', 'zero'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    mock.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let stdout = '';
    mock.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    // Ready when the listening line (stdout) and the trust instructions (stderr) are both out.
    url = await new Promise<string>((resolve, reject) => {
      const check = (): void => {
        const found = /listening on (https:\/\/\S+)/.exec(stdout);
        if (found?.[1] !== undefined && stderr.includes('NODE_EXTRA_CA_CERTS')) resolve(found[1]);
        else setTimeout(check, 20);
      };
      check();
      mock.on('close', (code) => {
        reject(new Error(`dvbench mock exited ${code}: ${stderr}`));
      });
    });
  });
  afterAll(() => {
    mock.kill('SIGTERM');
  });

  it('serves HTTPS with a certificate its authority signed, and says how to trust it', () => {
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(caFile)).toBe(true);
    expect(stderr).toContain(`NODE_EXTRA_CA_CERTS=${caFile}`);
    expect(stderr).toContain(`REQUESTS_CA_BUNDLE=${caFile}`);
  });

  it('MSAL for Node signs in against it (OpenID discovery, v2.0 token) and the token opens the Web API', async () => {
    const dir = await tempDir('dvbench-tls-node-');
    const script = join(dir, 'signIn.mjs');
    // Resolved from the project, where @azure/msal-node is installed.
    await writeFile(
      script,
      NODE_SIGN_IN.replace("'@azure/msal-node'", JSON.stringify(import.meta.resolve('@azure/msal-node'))),
    );
    const out = JSON.parse(await run(process.execPath, [script], { NODE_EXTRA_CA_CERTS: caFile, MOCK_URL: url })) as {
      status: number;
      body: { UserId?: string };
    };
    expect(out.status).toBe(200);
    expect(out.body.UserId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a client that does not trust its authority (the certificate is not a public one)', async () => {
    const dir = await tempDir('dvbench-tls-untrusted-');
    const script = join(dir, 'fetch.mjs');
    await writeFile(script, `await fetch(process.env.MOCK_URL + '/api/data/v9.2/WhoAmI');`);
    await expect(run(process.execPath, [script], { MOCK_URL: url, NODE_EXTRA_CA_CERTS: '' })).rejects.toThrow(
      /certificate/i,
    );
  });

  it.skipIf(PYTHON === undefined)(
    'azure-identity ClientSecretCredential and MSAL for Python sign in against it',
    async () => {
      const out = JSON.parse(
        await run(PYTHON ?? 'python3', ['-c', PYTHON_SIGN_IN], { REQUESTS_CA_BUNDLE: caFile, MOCK_URL: url }),
      ) as {
        status: number;
        userId: string;
        msal: boolean;
      };
      expect(out).toEqual({ status: 200, userId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown, msal: true });
    },
  );

  it('dvbench run takes it as an org: an app registration signs in through the mock authority', async () => {
    const dir = await tempDir('dvbench-tls-run-');
    await writeFile(
      join(dir, 's.yaml'),
      `name: tls\nworkloads: [{ kind: insert, table: account, count: 6, values: { name: "t{i}" } }]\nstrategies: [sequential, async:2]\n`,
    );
    const r = await runCli(['run', join(dir, 's.yaml'), '--allow-writes', '--out', join(dir, 'out')], {
      env: {
        DATAVERSE_URL: url,
        AZURE_TENANT_ID: TENANT,
        AZURE_CLIENT_ID: 'my-app',
        AZURE_CLIENT_SECRET: 'my-secret',
        AZURE_AUTHORITY_HOST: url,
        NODE_EXTRA_CA_CERTS: caFile,
      },
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toContain(`target the org ${url}`);
    expect(r.stdout + r.stderr).not.toContain('my-secret');
  });
});
