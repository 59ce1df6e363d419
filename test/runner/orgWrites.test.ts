import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type RunningMockServer } from '../../mock-server/index.js';
import type { CreatedRecordsManifest } from '../../src/runner/createdRecords.js';
import { ScenarioRun } from '../../src/runner/runScenario.js';
import { parseScenarioText } from '../../src/scenario/loadScenario.js';
import { connectMock } from '../helpers/useMockServer.js';
import { runCli } from '../helpers/runCli.js';

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
  existingIds = (await handle.api('GET', 'accounts?$select=accountid&$orderby=accountid')).json.value.map((r: { accountid: string }) => r.accountid);
});

afterAll(async () => {
  await org.close();
});

const WRITES = (): string => `name: org-writes
target: { url: "${org.url}" }
workloads:
  - { kind: insert, table: contact, count: 12, values: { lastname: "run {i}" }, lookups: { parentcustomerid_account: account } }
  - { kind: transactional, count: 3, linesPerUnit: 2, failureRate: 0 }
strategies: [sequential, { kind: async, workers: 2 }]
repetitions: 2
warmup: 0
`;

function run(yaml: string, options: { allowWrites?: boolean; keep?: boolean } = {}) {
  return mkdtemp(join(tmpdir(), 'dvbench-org-')).then((outDir) => {
    const r = new ScenarioRun(parseScenarioText(yaml, 'org.yaml'), { outDir, target: { kind: 'org', url: org.url, identities: [{ method: 'token', token }] }, ...options });
    return { r, outDir };
  });
}

describe('writes into a real org', () => {
  it('need --allow-writes; changing records the run did not create, and seeding, are refused', async () => {
    await expect((await run(WRITES())).r.run()).rejects.toThrow(`target: this scenario writes into ${org.url}; pass --allow-writes`);
    await expect((await run(WRITES().replace('workloads:', 'data: { account: 5 }\nworkloads:'), { allowWrites: true })).r.run()).rejects.toThrow('a real org is not seeded');
    const update = `name: u\ntarget: { url: "${org.url}" }\nworkloads: [{ kind: delete, table: account, count: 1 }]\nstrategies: [sequential]\n`;
    await expect((await run(update, { allowWrites: true })).r.run()).rejects.toThrow('delete workloads would change or delete records this run did not create');
    expect(org.context.store.counts().account).toBe(10);
  });

  it('with --allow-writes: created records are listed first, audited, and deleted after each repetition; the org\'s own records are untouched', async () => {
    const { r, outDir } = await run(WRITES(), { allowWrites: true });
    const results = await r.run();
    expect(results.strategies.every((s) => s.integrity.ok && s.errors.total === 0)).toBe(true);
    expect(org.context.store.counts()).toMatchObject({ account: 10, contact: 0, quote: 0, quotedetail: 0 });
    const manifest = JSON.parse(await readFile(join(outDir, 'created-records.json'), 'utf8')) as CreatedRecordsManifest;
    expect(manifest).toMatchObject({ runId: results.runId, target: org.url, records: [] });
    const handle = await connectMock(org);
    expect((await handle.api('GET', 'accounts?$select=accountid&$orderby=accountid')).json.value.map((x: { accountid: string }) => x.accountid)).toEqual(existingIds);
  });

  it('--keep keeps the last repetition\'s records, and dvbench cleanup removes them', async () => {
    const { r, outDir } = await run(WRITES(), { allowWrites: true, keep: true });
    await r.run();
    expect(org.context.store.counts()).toMatchObject({ account: 10, contact: 12, quote: 3, quotedetail: 6 });
    const manifest = JSON.parse(await readFile(join(outDir, 'created-records.json'), 'utf8')) as CreatedRecordsManifest;
    expect(manifest.records).toHaveLength(12 + 3 + 6);
    const cli = await runCli(['cleanup', outDir], { env: { DATAVERSE_TOKEN: token } });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('deleted 21 record(s)');
    expect(org.context.store.counts()).toMatchObject({ account: 10, contact: 0, quote: 0, quotedetail: 0 });
    const again = await runCli(['cleanup', outDir], { env: { DATAVERSE_TOKEN: token } });
    expect(again.stdout).toContain('nothing to delete');
  });
});
