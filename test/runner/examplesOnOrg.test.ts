import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startStandInOrg, type StandInOrg } from '../../bench/standIn/startStandInOrg.js';
import type { CreatedRecordsManifest } from '../../src/target/createdRecords.js';
import { runCli } from '../helpers/runCli.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

// Every example scenario, unchanged, against a stand-in org (the mock in its own process,
// behind a proxy that adds a 2 ms round trip) reached by URL and token: each must pass and
// leave the org holding exactly the records it held before.
let org: StandInOrg;

async function admin(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await request(`${org.mockUrl}/_mock/${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return (await res.body.json()) as Record<string, unknown>;
}

async function counts(): Promise<unknown> {
  return (await admin('GET', 'stats')).records;
}

beforeAll(async () => {
  // One identity runs every example in turn: the service protection limits would make a later
  // example wait out a five-minute window, which is not what this test is about.
  org = await startStandInOrg({ limits: { enabled: false } }, 2);
  await admin('POST', 'seed', { seed: 9, counts: { account: 20, contact: 10 } });
});

afterAll(async () => {
  await org.close();
});

const examples = [
  ...(await readdir('scenarios')).filter((f) => f.endsWith('.yaml')).map((f) => join('scenarios', f)),
  'scenarios/own-code/own-code.yaml',
];

describe('every example scenario against an org', () => {
  it.each(examples)(
    '%s runs unchanged with --allow-writes and leaves nothing behind',
    async (file) => {
      const before = await counts();
      const outDir = await tempDir('dvbench-example-org-');
      // One measured repetition keeps the suite short; a load test is scaled to 4 s.
      const shorter = file.endsWith('load-ramp.yaml') ? ['--duration', '4s'] : ['--repeat', '1', '--warmup', '0'];
      const cli = await runCli(['run', file, '--allow-writes', '--quiet', '--out', outDir, ...shorter], {
        env: { DATAVERSE_URL: org.url, DATAVERSE_TOKEN: org.token, CI: 'true' },
        timeoutMs: 120_000,
      });
      expect(cli.code, `${cli.stdout}\n${cli.stderr}`).toBe(0);
      expect(await counts()).toEqual(before);
      const manifest = JSON.parse(
        await readFile(join(outDir, 'created-records.json'), 'utf8').catch(() => '{"records":[]}'),
      ) as CreatedRecordsManifest;
      expect(manifest.records).toEqual([]);
    },
    150_000,
  );
});
