import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenarioText } from '../../src/scenario/loadScenario.js';
import { expandStrategies } from '../../src/strategies/expandStrategies.js';
import { scenarioProblem } from '../helpers/scenarioProblem.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

const SCENARIOS = new URL('../../scenarios/', import.meta.url).pathname;

describe('example scenarios', () => {
  it('every file in scenarios/ validates, and together they use every workload kind and strategy kind', async () => {
    const files = (await readdir(SCENARIOS)).filter((f) => /\.(ya?ml|json)$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(8);
    const workloadKinds = new Set<string>();
    const strategyKinds = new Set<string>();
    for (const f of files) {
      const { scenario } = await loadScenario(join(SCENARIOS, f));
      expect(`${scenario.name}.yaml`).toBe(f);
      for (const w of scenario.workloads) workloadKinds.add(w.kind);
      for (const s of expandStrategies(scenario.strategies)) strategyKinds.add(s.kind);
    }
    expect([...strategyKinds].sort()).toEqual([
      'adaptive',
      'async',
      'batch',
      'bulk',
      'processes',
      'sequential',
      'threads',
      'transaction',
    ]);
    const ownCode = await loadScenario(join(SCENARIOS, 'own-code', 'own-code.yaml'));
    for (const w of ownCode.scenario.workloads) workloadKinds.add(w.kind);
    expect([...workloadKinds].sort()).toEqual(
      expect.arrayContaining(['delete', 'insert', 'read', 'script', 'transactional', 'update']),
    );
  });
});

const VALID = `name: t
data:
  account: 10
workloads:
  - kind: update
    table: account
    count: 5
    set: { name: x }
strategies:
  - sequential
`;

const problem = scenarioProblem;

describe('scenario validation messages name the file, line, path and rule', () => {
  it('accepts the minimal scenario and fills in defaults', () => {
    const { scenario } = parseScenarioText(VALID, 'x.yaml');
    expect(scenario).toMatchObject({ target: 'mock', seed: 1, repetitions: 3, warmup: 1, identities: 1 });
    expect(scenario.mock.limits.requestsPerWindow).toBe(6000);
  });

  it.each([
    [VALID.replace('name: t', 'name: t\nnmae: typo'), 'x.yaml:1:1: (root): Unrecognized key: "nmae"'],
    [
      VALID.replace('count: 5', 'count: five'),
      'x.yaml:7:12: workloads[0].count: Invalid input: expected number, received string',
    ],
    [
      VALID.replace('kind: update', 'kind: upgrade'),
      "x.yaml:5:11: workloads[0].kind: Invalid discriminator value. Expected 'read' | 'update' | 'insert' | 'delete' | 'upsert' | 'transactional' | 'mixed'",
    ],
    [
      VALID.replace('  - sequential', '  - { kind: async, workers: 0 }'),
      'x.yaml:10:29: strategies[0].workers: Too small: expected number to be >=1',
    ],
    [
      VALID.replace('  - sequential', '  - { kind: batch, size: 2000 }'),
      "x.yaml:10:26: strategies[0].size: at most 1000 operations per $batch or bulk request (Dataverse's limit)",
    ],
    [
      VALID.replace('count: 5', 'count: 50'),
      'x.yaml:7:12: workloads[0].count: 50 updates need as many records, but data.account is 10 (each record is updated once)',
    ],
    [VALID.replace('table: account', 'table: acount'), "x.yaml:6:12: workloads[0].table: no table 'acount'"],
    [
      `${VALID}thresholds:\n  - { strategy: async:8, metric: speedup, op: '>=', value: 3 }\n`,
      "x.yaml:12:17: thresholds[0].strategy: no strategy 'async:8' in this scenario (it has sequential)",
    ],
    [
      VALID.replace('name: t', 'name: t\nmock:\n  latency: { default: { baseMs: -1 } }'),
      'x.yaml:3:33: mock.latency.default.baseMs: Too small: expected number to be >=0',
    ],
    [VALID.replace('workloads:', 'workloads: [\n'), 'x.yaml'],
    ['- just\n- a list\n', 'x.yaml: a scenario must be a mapping of keys'],
    ['name: t\n', 'x.yaml:1:1: workloads: Invalid input: expected array, received undefined'],
  ])('%#: %j', (text, expected) => {
    expect(problem(text)).toContain(expected);
  });

  it('a YAML syntax error names the line', () => {
    expect(problem('name: t\nworkloads: [\n  oops: :\n')).toMatch(/^x\.yaml:\d+:\d+: not valid YAML or JSON: /);
  });

  it('a missing file and a folder are named clearly', async () => {
    await expect(loadScenario('/nonexistent/s.yaml')).rejects.toThrow('/nonexistent/s.yaml: file not found');
    const dir = await tempDir('dvbench-scn-');
    await expect(loadScenario(dir)).rejects.toThrow('is a folder; give a scenario file');
    await writeFile(
      join(dir, 's.json'),
      JSON.stringify({
        name: 'j',
        workloads: [{ kind: 'read', table: 'account', count: 1 }],
        strategies: ['sequential'],
      }),
    );
    expect((await loadScenario(join(dir, 's.json'))).scenario.name).toBe('j');
  });
});

describe('expandStrategies', () => {
  it('expands lists into one strategy each, with stable names, without duplicates', () => {
    const names = expandStrategies([
      { kind: 'sequential' },
      { kind: 'async', workers: [1, 2, 4] },
      { kind: 'batch', size: [10, 100], inFlight: 2, continueOnError: false },
      { kind: 'bulk', size: 50, inFlight: [1, 2] },
      { kind: 'sequential' },
    ]).map((s) => s.name);
    expect(names).toEqual([
      'sequential',
      'async:1',
      'async:2',
      'async:4',
      'batch:10x2:stop',
      'batch:100x2:stop',
      'bulk:50x1',
      'bulk:50x2',
    ]);
  });
});

describe('validate means it: queries and names checked as the mock checks them', () => {
  const READ = (line: string): string =>
    `name: t\ndata: { account: 10 }\nworkloads:\n  - ${line}\nstrategies: [sequential]\n`;

  it.each([
    [
      READ(`{ kind: read, table: account, count: 2, filter: "revenue gtt 1000 and (name eq 'x'" }`),
      "workloads[0].filter: Syntax error at position 8 in 'revenue gtt 1000 and (name eq 'x''.",
    ],
    [
      READ('{ kind: read, table: account, count: 2, filter: "revnue gt 1000" }'),
      "workloads[0].filter: Could not find a property named 'revnue' on type 'Microsoft.Dynamics.CRM.account'.",
    ],
    [
      READ('{ kind: read, table: account, count: 2, filter: "name eq \\"x\\"" }'),
      'string literals are single-quoted in OData: write \'x\', not "x"',
    ],
    [
      READ('{ kind: read, table: account, count: 2, select: [nmae] }'),
      "workloads[0].select: Could not find a property named 'nmae'",
    ],
    [
      READ('{ kind: read, table: account, count: 2, orderBy: "nmae desc" }'),
      "workloads[0].orderBy: Could not find a property named 'nmae'",
    ],
    [
      READ('{ kind: update, table: account, count: 2, set: { nmae: x } }'),
      "workloads[0].set.nmae: no column 'nmae' on account (its columns: ",
    ],
    [
      READ(
        '{ kind: insert, table: contact, count: 2, values: { lastname: x }, lookups: { parentcustomerid: account } }',
      ),
      "workloads[0].lookups.parentcustomerid: no navigation property 'parentcustomerid' on contact (its navigation properties: parentcustomerid_account, parentcustomerid_contact, ownerid)",
    ],
    [
      READ('{ kind: upsert, table: account, count: 2, key: name, values: { name: x } }'),
      "workloads[0].key: 'name' is not an alternate key of account",
    ],
    [
      READ('{ kind: update, table: acount, count: 2, set: { name: x } }'),
      "workloads[0].table: no table 'acount' (tables: account, contact, opportunity, quote, quotedetail, systemuser, asyncoperation; add others under mock.tables)",
    ],
    [
      READ(
        `{ kind: read, table: account, count: 2, fetchXml: '<fetch><entity name="account"><attribute name="nmae"/></entity></fetch>' }`,
      ),
      "workloads[0].fetchXml: 'account' entity doesn't contain attribute with Name = 'nmae'.",
    ],
    [
      READ(
        `{ kind: read, table: account, count: 2, fetchXml: '<fetch><entity name="account"><link-entity name="contact" from="contactid" to="primarycontactid"><attribute name="fulname"/></link-entity></entity></fetch>' }`,
      ),
      "workloads[0].fetchXml: 'contact' entity doesn't contain attribute with Name = 'fulname'.",
    ],
    [
      READ(
        '{ kind: read, table: account, count: 2, apply: "groupby((address1_city),aggregate(revenue with median as m))" }',
      ),
      "workloads[0].apply: $apply: 'median' is not an aggregation method",
    ],
    [
      READ('{ kind: read, table: account, count: 2, apply: "aggregate($count as n)", select: [name] }'),
      'workloads[0].select: cannot be combined with apply',
    ],
    [
      READ('{ kind: read, table: account, count: 2, apply: "groupby((createdon))" }'),
      "workloads[0].apply: $apply: groupby on the date and time column 'createdon' is not supported",
    ],
    [
      READ(`{ kind: read, table: account, count: 2, fetchXml: '<fetch><entity name="contact"/></fetch>' }`),
      "workloads[0].fetchXml: FetchXML: the entity name 'contact' does not match the entity set 'accounts'",
    ],
    [
      READ(`{ kind: read, table: account, count: 2, fetchXml: '<fetch><entity name="account"></fetch>' }`),
      'workloads[0].fetchXml: FetchXML: the query is not well-formed XML',
    ],
    [
      READ('{ kind: read, table: account, count: 2, expand: "contact_customer_accounts($select=nmae)" }'),
      "workloads[0].expand: Could not find a property named 'nmae'",
    ],
    [
      READ(
        `{ kind: read, table: account, count: 2, select: [name], fetchXml: '<fetch><entity name="account"/></fetch>' }`,
      ),
      'workloads[0].select: cannot be combined with fetchXml',
    ],
  ])('%#: %s', (text, expected) => {
    expect(problem(text)).toContain(expected);
  });

  it('a wrong table is named once, with the valid tables, and no advice to seed it', () => {
    const message = problem(READ('{ kind: update, table: acount, count: 2, set: { name: x } }'));
    expect(message).not.toContain('data.acount');
    expect(message).not.toContain('a update');
  });

  it('names are left to the org when the target is one: syntax is still checked', () => {
    const text = READ(
      '{ kind: read, table: account, count: 2, select: [new_custom], filter: "new_custom eq 1" }',
    ).replace('data: { account: 10 }\n', '');
    expect(parseScenarioText(text, 'x.yaml', { checkNames: false }).scenario.workloads).toHaveLength(1);
    expect(() => parseScenarioText(text.replace('eq 1', 'eq'), 'x.yaml', { checkNames: false })).toThrow(
      'workloads[0].filter: ',
    );
  });

  it('strategies may be written as dvbench names them; a wrong kind lists the valid ones', () => {
    const loaded = parseScenarioText(
      'name: t\nworkloads: [{ kind: read, table: account, count: 1 }]\nstrategies: [sequential, "async:8", threads:2, processes:2, "batch:100x2", "batch:10x1:stop", transaction:4, "bulk:100x2", adaptive:32, "batch:50", "bulk:20", "batch:5:stop"]\n',
      'x.yaml',
    );
    expect(expandStrategies(loaded.scenario.strategies).map((s) => s.name)).toEqual([
      'sequential',
      'async:8',
      'threads:2',
      'processes:2',
      'batch:100x2',
      'batch:10x1:stop',
      'transaction:4',
      'bulk:100x2',
      'adaptive:32',
      'batch:50x1',
      'bulk:20x1',
      'batch:5x1:stop',
    ]);
    expect(
      problem(
        'name: t\nworkloads: [{ kind: read, table: account, count: 1 }]\nstrategies: [{ kind: parallel, workers: 4 }]\n',
      ),
    ).toContain(
      'strategies[0]: kind "parallel" is not a strategy kind; kinds: sequential, async, threads, processes, batch, transaction, bulk, adaptive',
    );
    expect(
      problem('name: t\nworkloads: [{ kind: read, table: account, count: 1 }]\nstrategies: ["asynch:8"]\n'),
    ).toContain(
      "strategies[0]: 'asynch:8' is not a strategy: write a shorthand such as sequential, async:8, threads:4",
    );
  });

  it('a plan too large for one machine is refused before anything is planned (repro 14)', () => {
    expect(
      problem(
        'name: t\nworkloads: [{ kind: insert, table: account, count: 10000000, values: { name: x } }]\nstrategies: [sequential]\n',
      ),
    ).toContain('workloads[0].count: Too big: expected number to be <=1000000');
    expect(
      problem(
        'name: t\nworkloads:\n  - { kind: insert, table: account, count: 600000, values: { name: x } }\n  - { kind: insert, table: contact, count: 600000, values: { lastname: x } }\nstrategies: [sequential]\n',
      ),
    ).toContain('the workloads plan 1200000 operations; at most 1000000 per scenario');
    expect(
      problem(
        'name: t\ndata: { account: 400000, contact: 400000 }\nworkloads: [{ kind: read, table: account, count: 1 }]\nstrategies: [sequential]\n',
      ),
    ).toContain('800000 records to seed; at most 500000 in all');
  });

  it('thresholds per workload and request kind are checked against the scenario', () => {
    const base =
      'name: t\nworkloads: [{ kind: read, table: account, count: 1, name: reads }]\nstrategies: [sequential]\nthresholds:\n  - ';
    expect(problem(`${base}{ strategy: sequential, metric: speedup, op: ">", value: 1, workload: reads }\n`)).toContain(
      'per workload or request kind, the metric must be one of p50, p90, p95, p99, max, errors, errorRate',
    );
    expect(problem(`${base}{ strategy: sequential, metric: p95, op: "<", value: 1, workload: 3 }\n`)).toContain(
      'no workload 3 (there are 1, from 0)',
    );
    expect(problem(`${base}{ strategy: sequential, metric: p95, op: "<", value: 1, workload: writes }\n`)).toContain(
      "no workload named 'writes' (named: reads)",
    );
    expect(
      parseScenarioText(
        `${base}{ strategy: sequential, metric: p95, op: "<", value: 100, workload: reads }\n`,
        'x.yaml',
      ).scenario.thresholds,
    ).toHaveLength(1);
  });
});
