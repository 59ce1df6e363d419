import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMockConfigFile, MockConfigError, parseMockConfig } from '../../mock-server/index.js';
import { entityIdOf, useMockServer } from '../helpers/useMockServer.js';
import { projectTableConfig } from '../helpers/projectTable.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

describe('mock config', () => {
  it('fills in defaults and freezes the result', () => {
    const config = parseMockConfig({});
    expect(config.auth).toEqual({ enabled: true, tokenLifetimeSeconds: 3599, clients: [], users: [] });
    expect(Object.isFrozen(config.auth)).toBe(true);
  });

  it.each([
    [{ nosuch: 1 }, '(root): Unrecognized key: "nosuch"'],
    [{ auth: { tokenLifetime: 5 } }, 'auth: Unrecognized key: "tokenLifetime"'],
    [{ auth: { tokenLifetimeSeconds: 0 } }, 'auth.tokenLifetimeSeconds: Too small: expected number to be >=1'],
    [
      { tables: [{ logicalName: 'Bad Name', entitySetName: 'x', columns: [{ name: 'a', type: 'string' }] }] },
      'tables[0].logicalName: must be lower-case letters',
    ],
    [
      { tables: [{ logicalName: 'new_a', entitySetName: 'new_as', columns: [{ name: 'a', type: 'text' }] }] },
      'tables[0].columns[0].type: Invalid option',
    ],
    [
      { tables: [{ logicalName: 'new_a', entitySetName: 'new_as', columns: [{ name: 'l', type: 'lookup' }] }] },
      'tables[0].columns[0].target: required for a lookup column',
    ],
    [
      {
        tables: [
          { logicalName: 'new_a', entitySetName: 'new_as', columns: [{ name: 'l', type: 'lookup', target: 'nosuch' }] },
        ],
      },
      "tables[0].columns[0].target: no table named 'nosuch'",
    ],
    [
      { tables: [{ logicalName: 'account', entitySetName: 'new_as', columns: [{ name: 'a', type: 'string' }] }] },
      "tables[0].logicalName: 'account' is already a table",
    ],
    [
      {
        tables: [
          {
            logicalName: 'new_a',
            entitySetName: 'new_as',
            columns: [{ name: 'a', type: 'string' }],
            alternateKeys: [['nope']],
          },
        ],
      },
      "tables[0].alternateKeys[0]: no column 'nope' in table 'new_a'",
    ],
    [
      {
        tables: [
          { logicalName: 'new_a', entitySetName: 'new_as', columns: [{ name: 'a', type: 'int', maxLength: 5 }] },
        ],
      },
      'tables[0].columns[0].maxLength: only for string and memo columns',
    ],
  ])('rejects %j naming the key and the rule', (input, fragment) => {
    let error: unknown;
    try {
      parseMockConfig(input, 'test.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MockConfigError);
    expect(error).toMatchObject({ code: 'DVB_ERR_MOCK_CONFIG_INVALID', exitCode: 2 });
    expect((error as MockConfigError).message).toContain('invalid mock configuration in test.yaml');
    expect((error as MockConfigError).problems.join('\n')).toContain(fragment);
  });

  it('loads YAML files and names the file in errors', async () => {
    const dir = await tempDir('dvbench-config-');
    const good = join(dir, 'good.yaml');
    await writeFile(good, 'auth:\n  enabled: false\n');
    expect((await loadMockConfigFile(good)).auth.enabled).toBe(false);
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'auth: [unclosed\n');
    await expect(loadMockConfigFile(bad)).rejects.toThrow(/bad\.yaml.*not valid YAML or JSON/s);
    await expect(loadMockConfigFile(join(dir, 'missing.yaml'))).rejects.toThrow(/missing\.yaml:\n {2}- file not found/);
  });
});

describe('mock server: custom tables from config', () => {
  const mock = useMockServer({
    config: projectTableConfig(
      [
        { name: 'new_name', type: 'string', maxLength: 50 },
        { name: 'new_code', type: 'string', maxLength: 10 },
        { name: 'new_budget', type: 'money' },
        { name: 'new_phase', type: 'choice', options: [100, 200] },
        { name: 'new_start', type: 'datetime' },
        { name: 'new_accountid', type: 'lookup', target: 'account', navigationProperty: 'new_AccountId' },
      ],
      { alternateKeys: [['new_code']] },
    ),
  });

  it('serves a custom table with its key, types, lookups and alternate key', async () => {
    const account = entityIdOf(await mock.api('POST', 'accounts', { body: { name: 'Owner' } }));
    const created = await mock.api('POST', 'new_projects', {
      body: {
        new_name: 'Apollo',
        new_code: 'P-1',
        new_budget: 99.5,
        new_phase: 200,
        new_start: '2024-05-01T10:00:00Z',
        'new_AccountId@odata.bind': `/accounts(${account})`,
      },
    });
    expect(created.status, created.text).toBe(204);
    const id = entityIdOf(created);
    const got = await mock.api('GET', `new_projects(new_code='P-1')`);
    expect(got.json).toMatchObject({
      new_projectid: id,
      new_name: 'Apollo',
      new_budget: 99.5,
      new_phase: 200,
      new_start: '2024-05-01T10:00:00Z',
      _new_accountid_value: account,
      statecode: 0,
    });
    const filtered = await mock.api(
      'GET',
      `new_projects?$filter=${encodeURIComponent('new_start ge 2024-05-01 and new_phase eq 200')}&$expand=new_AccountId($select=name)`,
    );
    expect(filtered.json.value).toHaveLength(1);
    expect(filtered.json.value[0].new_AccountId.name).toBe('Owner');
    expect((await mock.api('POST', 'new_projects', { body: { new_phase: 300 } })).status).toBe(400);
    expect((await mock.api('POST', 'new_projects', { body: { new_code: 'x'.repeat(11) } })).json.error.code).toBe(
      '0x80044331',
    );
  });

  it('seeds custom tables with lookups to tables seeded before them', async () => {
    await mock.seed({ account: 5, new_project: 20 });
    const res = await mock.api('GET', 'new_projects?$filter=_new_accountid_value ne null&$count=true');
    expect(res.json['@odata.count']).toBe(20);
  });
});
