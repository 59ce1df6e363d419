import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type RunningMockServer } from '../../mock-server/index.js';
import type { CreatedRecordsManifest } from '../../src/target/createdRecords.js';
import { ScenarioRun } from '../../src/runner/ScenarioRun.js';
import { parseScenarioText } from '../../src/scenario/loadScenario.js';
import { connectMock } from '../helpers/useMockServer.js';
import { runCli } from '../helpers/runCli.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

// The mock speaks the Web API with bearer tokens, so it stands in for a real org here.
let org: RunningMockServer;
let token: string;
let existingIds: string[];

beforeAll(async () => {
  org = await startMockServer({ port: 0 });
  const handle = await connectMock(org);
  token = handle.token;
  // The org's own data, which a run must never change.
  await handle.seed({ account: 10 });
  existingIds = (await handle.api('GET', 'accounts?$select=accountid&$orderby=accountid')).json.value.map(
    (r: { accountid: string }) => r.accountid,
  );
});

afterAll(async () => {
  await org.close();
});

const WRITES = (): string => `name: org-writes
mock: { profile: zero }
target: { url: "${org.url}" }
workloads:
  - { kind: insert, table: contact, count: 12, values: { lastname: "run {i}" }, lookups: { parentcustomerid_account: account } }
  - { kind: transactional, count: 3, linesPerUnit: 2, failureRate: 0 }
strategies: [sequential, { kind: async, workers: 2 }]
repetitions: 2
warmup: 0
`;

function run(yaml: string, options: { allowWrites?: boolean; keep?: boolean } = {}) {
  return tempDir('dvbench-org-').then((outDir) => {
    const r = new ScenarioRun(parseScenarioText(yaml, 'org.yaml'), {
      outDir,
      target: { kind: 'org', url: org.url, identities: [{ method: 'token', token }] },
      ...options,
    });
    return { r, outDir };
  });
}

describe('writes into a real org', () => {
  it('need --allow-writes, also to create the data; changing records the run did not create is refused', async () => {
    await expect((await run(WRITES())).r.run()).rejects.toThrow(
      `target: this scenario writes into ${org.url}; pass --allow-writes`,
    );
    await expect(
      (await run(WRITES().replace('workloads:', 'data: { account: 5 }\nworkloads:'))).r.run(),
    ).rejects.toThrow(`target: this scenario creates the scenario's data (5 record(s)) in ${org.url} before measuring`);
    // Built without the loader's rules (as a library user may): the run itself still refuses.
    const upsert = parseScenarioText(
      `name: u\nmock: { profile: zero }\nworkloads: [{ kind: upsert, table: account, count: 2, key: accountnumber, values: { name: "x" } }]\nstrategies: [sequential]\n`,
      'org.yaml',
    );
    const outDir = await tempDir('dvbench-org-');
    const refused = new ScenarioRun(upsert, {
      outDir,
      target: { kind: 'org', url: org.url, identities: [{ method: 'token', token }] },
      allowWrites: true,
    });
    await expect(refused.run()).rejects.toThrow(
      "upsert workloads would change records this run did not create; against an org they work only on the run's own records: add data.account",
    );
    // The refusal names the org, where it came from, and the way back to the mock.
    await expect(refused.run()).rejects.toThrow(
      `(The target is the org ${org.url}, from DATAVERSE_URL; to run on the embedded mock instead, pass --target mock.)`,
    );
    expect(org.context.store.counts().account).toBe(10);
  });

  it("with --allow-writes: created records are listed first, audited, and deleted after each repetition; the org's own records are untouched", async () => {
    const { r, outDir } = await run(WRITES(), { allowWrites: true });
    const results = await r.run();
    expect(results.strategies.every((s) => s.integrity.ok && s.errors.total === 0)).toBe(true);
    expect(org.context.store.counts()).toMatchObject({ account: 10, contact: 0, quote: 0, quotedetail: 0 });
    const manifest = JSON.parse(await readFile(join(outDir, 'created-records.json'), 'utf8')) as CreatedRecordsManifest;
    expect(manifest).toMatchObject({ runId: results.runId, target: org.url, records: [] });
    const handle = await connectMock(org);
    expect(
      (await handle.api('GET', 'accounts?$select=accountid&$orderby=accountid')).json.value.map(
        (x: { accountid: string }) => x.accountid,
      ),
    ).toEqual(existingIds);
  });

  it("--keep keeps the last repetition's records, and dvbench cleanup removes them", async () => {
    const { r, outDir } = await run(WRITES(), { allowWrites: true, keep: true });
    await r.run();
    expect(org.context.store.counts()).toMatchObject({ account: 10, contact: 12, quote: 3, quotedetail: 6 });
    const manifest = JSON.parse(await readFile(join(outDir, 'created-records.json'), 'utf8')) as CreatedRecordsManifest;
    expect(manifest.records).toHaveLength(12 + 3 + 6);
    const cli = await runCli(['cleanup', outDir], { env: { DATAVERSE_TOKEN: token, DATAVERSE_URL: org.url } });
    expect(cli.code, cli.stderr).toBe(0);
    // Deletes run 8 at a time: a quote deleted before its lines takes them with it (a cascade), so some lines are "already gone".
    const [, deleted, gone] =
      /deleted (\d+) record\(s\) of run [0-9a-f-]+; (\d+) were already gone; 0 skipped/.exec(cli.stdout) ?? [];
    expect(Number(deleted) + Number(gone)).toBe(21);
    expect(Number(deleted)).toBeGreaterThanOrEqual(15);
    expect(org.context.store.counts()).toMatchObject({ account: 10, contact: 0, quote: 0, quotedetail: 0 });
    const again = await runCli(['cleanup', outDir], { env: { DATAVERSE_TOKEN: token, DATAVERSE_URL: org.url } });
    expect(again.stdout).toContain('nothing to delete');
  });

  it('cleanup deletes only records the run can be shown to have made, and only at the URL the environment names (repros 07b, 08)', async () => {
    const outDir = await tempDir('dvbench-org-cleanup-');
    const victim = existingIds[0]!;
    const manifest = {
      runId: 'x',
      startedAt: new Date().toISOString(),
      target: org.url,
      records: [{ set: 'accounts', id: victim }],
    };
    await writeFile(join(outDir, 'created-records.json'), JSON.stringify(manifest));
    const cli = await runCli(['cleanup', outDir], { env: { DATAVERSE_TOKEN: token, DATAVERSE_URL: org.url } });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('deleted 0 record(s)');
    expect(cli.stderr).toContain(
      `skipped accounts(${victim}): no run of this manifest lists it with a secret (a manifest of an older dvbench?)`,
    );
    expect(org.context.store.counts().account).toBe(10);
    // A manifest naming another host never receives the environment's token.
    await writeFile(
      join(outDir, 'created-records.json'),
      JSON.stringify({ ...manifest, target: 'https://elsewhere.example.com' }),
    );
    const foreign = await runCli(['cleanup', outDir], { env: { DATAVERSE_TOKEN: token, DATAVERSE_URL: org.url } });
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain('target: the manifest names https://elsewhere.example.com, but DATAVERSE_URL is');
  });

  it('a token a server echoes back in a message never reaches results or reports (repro 18)', async () => {
    const secret = 'EchoedSecretToken1234567890';
    const echo = createServer((req, res) => {
      req.resume();
      res.writeHead(req.url?.endsWith('WhoAmI') === true ? 200 : 400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          req.url?.endsWith('WhoAmI') === true
            ? { UserId: 'u' }
            : {
                error: { code: '0x0', message: `rejected; you sent Authorization=${req.headers.authorization ?? ''}` },
              },
        ),
      );
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    try {
      const outDir = await tempDir('dvbench-org-echo-');
      const yaml =
        'name: echo\nmock: { profile: zero }\nworkloads: [{ kind: insert, table: account, count: 3, values: { name: "E{i}" } }]\nstrategies: [sequential]\nrepetitions: 1\nwarmup: 0\n';
      const r = new ScenarioRun(parseScenarioText(yaml, 'echo.yaml'), {
        outDir,
        target: { kind: 'org', url, identities: [{ method: 'token', token: secret }] },
        allowWrites: true,
      });
      const results = await r.run();
      expect(results.verdict.status).toBe('failed');
      const { writeReports } = await import('../../src/report/writeReports.js');
      await writeReports(outDir, results, { charts: false });
      for (const f of ['results.json', 'report.md', 'report.html', 'junit.xml']) {
        const text = await readFile(join(outDir, f), 'utf8');
        expect(text, f).not.toContain(secret);
        if (f === 'results.json') expect(text).toContain('Authorization=Bearer ***');
      }
    } finally {
      await new Promise((resolve) => echo.close(resolve));
    }
  });
});
