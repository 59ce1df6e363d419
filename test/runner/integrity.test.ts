import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioRun } from '../../src/runner/runScenario.js';
import { parseScenarioText } from '../../src/scenario/loadScenario.js';
import { runCli } from '../helpers/runCli.js';
import { writeFile } from 'node:fs/promises';

const SCENARIO = (faults: string): string => `name: audit
seed: 9
mock:
  seed: 4
  faults: ${faults}
data: { account: 40 }
workloads:
  - { kind: insert, table: account, count: 40, values: { name: "new {i}" } }
  - { kind: update, table: account, count: 10, set: { telephone1: "555-{i}" } }
  - { kind: delete, table: account, count: 5 }
  - { kind: upsert, table: account, count: 6, key: accountnumber, values: { name: "up {i}" } }
  - { kind: transactional, count: 6, linesPerUnit: 2, failureRate: 0.5 }
strategies: [{ kind: async, workers: 4 }]
repetitions: 1
warmup: 0
`;

async function run(faults: string) {
  const loaded = parseScenarioText(SCENARIO(faults), 'audit.yaml');
  return new ScenarioRun(loaded, { outDir: await mkdtemp(join(tmpdir(), 'dvbench-audit-')), target: { kind: 'mock' } }).run();
}

describe('integrity audit', () => {
  it('passes a clean run, having checked every kind of planned write', async () => {
    const results = await run('[]');
    const s = results.strategies[0]!;
    expect(s.integrity).toMatchObject({ ok: true, problemCount: 0 });
    expect(s.integrity.checked).toMatchObject({ creates: expect.any(Number), updates: 10, upserts: 6, deletes: 5, tables: 3 });
    expect(s.integrity.checked!.rolledBackUnits).toBeGreaterThan(0);
    expect(results.integrity).toEqual({ ok: true, failed: [] });
  });

  it('catches a lost write: a create acknowledged but not kept', async () => {
    const results = await run("[{ kind: lose, rate: 0.1, operation: create, table: account }]");
    const s = results.strategies[0]!;
    expect(s.errors.total).toBe(0);
    expect(s.integrity.ok).toBe(false);
    expect(s.integrity.problems.join('\n')).toMatch(/lost write: account [0-9a-f-]{36} was planned \(and created\) but does not exist/);
    expect(s.integrity.problems.join('\n')).toMatch(/lost writes: account has \d+ records, the plan leaves \d+ \(\d+ missing\)/);
    expect(results.integrity).toEqual({ ok: false, failed: ['async:4'] });
  });

  it('catches a duplicate: a create kept twice', async () => {
    const results = await run("[{ kind: duplicate, rate: 0.1, operation: create, table: account }]");
    const s = results.strategies[0]!;
    expect(s.integrity.ok).toBe(false);
    expect(s.integrity.problems.join('\n')).toMatch(/duplicates: account has \d+ records, the plan leaves \d+ \(\d+ more than planned\)/);
  });

  it('a failed audit fails the run: exit 1 with the problems listed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dvbench-audit-cli-'));
    await writeFile(join(dir, 's.yaml'), SCENARIO("[{ kind: lose, rate: 0.2, operation: create, table: account }]"));
    const result = await runCli(['run', join(dir, 's.yaml'), '--out', join(dir, 'out'), '--quiet']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^integrity audit failed for async:4: \d+ problem\(s\)$/m);
    expect(result.stderr).toContain('lost write: account');
  });
});
