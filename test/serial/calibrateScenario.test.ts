import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandInOrg, type StandInOrg } from '../../bench/standIn/startStandInOrg.js';
import { profileSchema, type MockConfigInput } from '../../mock-server/index.js';
import type { CalibrationResult } from '../../src/calibrate/Calibration.js';
import { runCli } from '../helpers/runCli.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

const fixed = (baseMs: number) => ({ baseMs, distribution: 'lognormal', sigma: 0.1 }) as const;

/** Contacts cost what accounts do, but a synchronous plug-in adds 60 ms to each contact create. */
const HIDDEN: MockConfigInput = {
  latency: {
    read: fixed(8),
    default: fixed(8),
    create: fixed(20),
    update: fixed(25),
    delete: fixed(20),
    batchItem: fixed(10),
    bulkCreate: fixed(3),
  },
  dopHint: 4,
  plugins: [{ table: 'contact', messages: ['create'], ms: 60 }],
};

const SCENARIO = `name: contacts-and-accounts
workloads:
  - { kind: insert, table: contact, count: 10, values: { lastname: "c{i}" } }
  - { kind: read, table: account, count: 10 }
  - { kind: transactional, count: 2 }
strategies: [sequential]
`;

async function count(org: StandInOrg, set: string): Promise<number> {
  const res = await request(`${org.url}/api/data/v9.2/${set}/$count`, {
    headers: { authorization: `Bearer ${org.token}` },
  });
  return Number(await res.body.text());
}

describe('dvbench calibrate --scenario: the tables a job touches', () => {
  let org: StandInOrg;
  beforeAll(async () => {
    org = await startStandInOrg(HIDDEN, 4);
  });
  afterAll(async () => {
    await org.close();
  });

  it("times contact creates apart from account's, writes the plug-in's time to the profile, and cleans up", async () => {
    const dir = await tempDir('dvbench-calibrate-scenario-');
    await writeFile(join(dir, 'job.yaml'), SCENARIO);
    const out = join(dir, 'org.yaml');
    const r = await runCli(
      ['calibrate', '--out', out, '--allow-writes', '--validate', '0', '--scenario', join(dir, 'job.yaml')],
      { timeoutMs: 170_000, env: { DATAVERSE_URL: org.url, DATAVERSE_TOKEN: org.token } },
    );
    expect(r.code, r.stderr).toBe(0);
    const profile = profileSchema.parse(parse(await readFile(out, 'utf8')));
    const plugin = profile.mock.plugins.find((p) => p.table === 'contact');
    expect(plugin?.messages).toEqual(['create']);
    expect(plugin?.ms).toBeGreaterThan(60 * 0.75);
    expect(plugin?.ms).toBeLessThan(60 * 1.25);
    // Contacts are not dear to anything else: no multiplier (within noise), no plug-in on account.
    expect(profile.mock.latency.tables.contact ?? 1).toBeGreaterThan(0.8);
    expect(profile.mock.latency.tables.contact ?? 1).toBeLessThan(1.25);
    expect(profile.mock.plugins.filter((p) => p.table !== 'contact')).toEqual([]);
    const details = JSON.parse(
      await readFile(out.replace(/\.yaml$/, '.calibration.json'), 'utf8'),
    ) as CalibrationResult;
    expect(details.tables?.measured).toEqual(
      expect.arrayContaining(['tables.contact.create', 'tables.contact.read', 'tables.quote.create']),
    );
    expect(details.measured).toContain('tables.contact.create');
    expect(r.stdout).toMatch(/contact create: \+[\d.]+ ms \(as a synchronous plug-in\)/);
    expect(profile.profile.source).toContain("every table or kind not listed as measured costs what account's does");
    expect(details.cleanup.leftBehind).toBe(0);
    expect(details.cleanup.failed).toBe(0);
    expect(await count(org, 'contacts')).toBe(0);
    expect(await count(org, 'accounts')).toBe(0);
    expect(await count(org, 'quotes')).toBe(0);
  }, 180_000);

  it('a scenario with a mistake is refused before any request, naming the place', async () => {
    const dir = await tempDir('dvbench-calibrate-scenario-');
    await writeFile(join(dir, 'bad.yaml'), SCENARIO.replace('count: 10, values', 'count: -1, values'));
    const r = await runCli(
      ['calibrate', '--out', join(dir, 'p.yaml'), '--allow-writes', '--scenario', join(dir, 'bad.yaml')],
      { env: { DATAVERSE_URL: org.url, DATAVERSE_TOKEN: org.token } },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('workloads[0].count');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
