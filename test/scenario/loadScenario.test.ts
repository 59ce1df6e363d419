import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenarioText } from '../../src/scenario/loadScenario.js';
import { expandStrategies } from '../../src/scenario/expandStrategies.js';

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
    expect([...strategyKinds].sort()).toEqual(['adaptive', 'async', 'batch', 'bulk', 'processes', 'sequential', 'threads', 'transaction']);
    expect([...workloadKinds].sort()).toEqual(expect.arrayContaining(['delete', 'insert', 'read', 'transactional', 'update']));
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

function problem(text: string): string {
  try {
    parseScenarioText(text, 'x.yaml');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the scenario was accepted');
}

describe('scenario validation messages name the file, line, path and rule', () => {
  it('accepts the minimal scenario and fills in defaults', () => {
    const { scenario } = parseScenarioText(VALID, 'x.yaml');
    expect(scenario).toMatchObject({ target: 'mock', seed: 1, repetitions: 3, warmup: 1, identities: 1 });
    expect(scenario.mock.limits.requestsPerWindow).toBe(6000);
  });

  it.each([
    [VALID.replace('name: t', 'name: t\nnmae: typo'), 'x.yaml:1:1: (root): Unrecognized key: "nmae"'],
    [VALID.replace('count: 5', 'count: five'), 'x.yaml:7:12: workloads[0].count: Invalid input: expected number, received string'],
    [VALID.replace('kind: update', 'kind: upgrade'), "x.yaml:5:11: workloads[0].kind: Invalid discriminator value. Expected 'read' | 'update' | 'insert' | 'delete' | 'upsert' | 'transactional' | 'mixed'"],
    [VALID.replace('  - sequential', '  - { kind: async, workers: 0 }'), 'x.yaml:10:29: strategies[0].workers: Too small: expected number to be >=1'],
    [VALID.replace('  - sequential', '  - { kind: batch, size: 2000 }'), "x.yaml:10:26: strategies[0].size: at most 1000 operations per $batch or bulk request (Dataverse's limit)"],
    [VALID.replace('count: 5', 'count: 50'), 'x.yaml:7:12: workloads[0].count: 50 updates need as many seeded records, but data.account is 10 (each record is updated once)'],
    [VALID.replace('table: account', 'table: acount'), "x.yaml:6:12: workloads[0].table: no table 'acount'"],
    [`${VALID}thresholds:\n  - { strategy: async:8, metric: speedup, op: '>=', value: 3 }\n`, "x.yaml:12:17: thresholds[0].strategy: no strategy 'async:8' in this scenario (it has sequential)"],
    [VALID.replace('name: t', 'name: t\nmock:\n  latency: { default: { baseMs: -1 } }'), 'x.yaml:3:33: mock.latency.default.baseMs: Too small: expected number to be >=0'],
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
    const dir = await mkdtemp(join(tmpdir(), 'dvbench-scn-'));
    await expect(loadScenario(dir)).rejects.toThrow('is a folder; give a scenario file');
    await writeFile(join(dir, 's.json'), JSON.stringify({ name: 'j', workloads: [{ kind: 'read', table: 'account', count: 1 }], strategies: ['sequential'] }));
    expect((await loadScenario(join(dir, 's.json'))).scenario.name).toBe('j');
  });
});

describe('expandStrategies', () => {
  it('expands lists into one strategy each, with stable names, without duplicates', () => {
    const names = expandStrategies(['sequential', { kind: 'async', workers: [1, 2, 4] }, { kind: 'batch', size: [10, 100], inFlight: 2, continueOnError: false }, { kind: 'bulk', size: 50, inFlight: [1, 2] }, 'sequential']).map((s) => s.name);
    expect(names).toEqual(['sequential', 'async:1', 'async:2', 'async:4', 'batch:10x2:stop', 'batch:100x2:stop', 'bulk:50x1', 'bulk:50x2']);
  });
});
