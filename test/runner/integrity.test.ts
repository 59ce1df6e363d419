import {} from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioRun } from '../../src/runner/ScenarioRun.js';
import { parseScenarioText } from '../../src/scenario/loadScenario.js';
import { runCli } from '../helpers/runCli.js';
import { writeFile } from 'node:fs/promises';
import { useTempDirs } from '../helpers/tempDirs.js';

const SCENARIO = (faults: string): string => `name: audit
seed: 9
mock:
  profile: zero
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

const tempDir = useTempDirs();

async function runText(text: string) {
  return new ScenarioRun(parseScenarioText(text, 'audit.yaml'), {
    outDir: await tempDir('dvbench-audit-'),
    target: { kind: 'mock' },
  }).run();
}

async function run(faults: string) {
  return runText(SCENARIO(faults));
}

describe('integrity audit', () => {
  it('passes a clean run, having checked every kind of planned write', async () => {
    const results = await run('[]');
    const s = results.strategies[0]!;
    expect(s.integrity).toMatchObject({ ok: true, problemCount: 0 });
    expect(s.integrity.checked).toMatchObject({
      creates: expect.any(Number),
      updates: 10,
      upserts: 6,
      deletes: 5,
      tables: 3,
    });
    expect(s.integrity.checked!.rolledBackUnits).toBeGreaterThan(0);
    expect(results.integrity).toEqual({ ok: true, failed: [] });
  });

  it('catches a lost write: a create acknowledged but not kept', async () => {
    const results = await run('[{ kind: lose, rate: 0.1, operation: create, table: account }]');
    const s = results.strategies[0]!;
    expect(s.errors.total).toBe(0);
    expect(s.integrity.ok).toBe(false);
    expect(s.integrity.problems.join('\n')).toMatch(
      /lost write: account [0-9a-f-]{36} was acknowledged as created but does not exist/,
    );
    expect(s.integrity.problems.join('\n')).not.toContain('duplicates');
    expect(results.integrity).toEqual({ ok: false, failed: ['async:4'] });
    expect(s.verdict.status).toBe('failed');
    expect(results.verdict.status).toBe('failed');
  });

  it('catches a duplicate: a create kept twice', async () => {
    const results = await run('[{ kind: duplicate, rate: 0.1, operation: create, table: account }]');
    const s = results.strategies[0]!;
    expect(s.integrity.ok).toBe(false);
    expect(s.integrity.problems.join('\n')).toMatch(
      /duplicates: account holds \d+ record\(s\) no planned operation created \(e\.g\. [0-9a-f-]{36}/,
    );
    expect(s.integrity.problems.join('\n')).not.toContain('lost');
  });

  it('counts lost writes and duplicates apart, so one never hides the other (repro 05)', async () => {
    const text =
      'name: masks\nseed: 3\nmock: { profile: zero, seed: 3, faults: [{ kind: lose, rate: 0.03 }, { kind: duplicate, rate: 0.03 }] }\nworkloads: [{ kind: insert, table: account, count: 300, values: { name: "X{i}" } }]\nstrategies: [sequential]\nrepetitions: 1\nwarmup: 0\n';
    const s = (await runText(text)).strategies[0]!;
    const lost = s.integrity.problems.filter((p) => p.includes('lost write: account')).length;
    const dup = s.integrity.problems.find((p) => p.includes('duplicates: account'));
    expect(lost).toBeGreaterThan(0);
    expect(dup).toMatch(/holds \d+ record/);
    // The records left are exactly planned − lost + duplicated: each count is the truth, not a net difference.
    const duplicated = Number(/holds (\d+)/.exec(dup ?? '')?.[1]);
    expect(duplicated).toBeGreaterThan(0);
    expect(s.repetitions[0]!.records!.account).toBe(300 - lost + duplicated);
    expect(s.integrity.problemCount).toBe(lost + 1);
  });

  it('works for a custom table named like a prototype key (repro 06)', async () => {
    const text =
      'name: proto\nmock:\n  profile: zero\n  tables: [{ logicalName: constructor, entitySetName: constructors, columns: [{ name: new_name, type: string }] }]\n  faults: [{ kind: duplicate, rate: 1, table: constructor }]\nworkloads: [{ kind: insert, table: constructor, count: 5, values: { new_name: "c{i}" } }]\nstrategies: [sequential]\nrepetitions: 1\nwarmup: 0\n';
    const s = (await runText(text)).strategies[0]!;
    expect(s.integrity.ok).toBe(false);
    expect(s.integrity.problems.join('\n')).toContain(
      'duplicates: constructor holds 5 record(s) no planned operation created',
    );
  });

  it('an operation the client saw fail is a failed operation, not a lost write', async () => {
    // Every account create is answered 503 (refused before it runs): each one fails, none is "lost".
    const text =
      'name: refused\nmock: { profile: zero, faults: [{ kind: "503", rate: 1, operation: create, table: account }] }\nworkloads: [{ kind: insert, table: account, count: 6, values: { name: "R{i}" } }]\nstrategies: [sequential]\nfailFast: 0\nrepetitions: 1\nwarmup: 0\n';
    const s = (await runText(text)).strategies[0]!;
    expect(s.errors.total).toBe(6);
    expect(s.errors.causes[0]).toMatchObject({
      kind: 'HTTP 503',
      status: 503,
      count: 6,
      message: 'The service is temporarily unavailable. Please try again later.',
    });
    expect(s.errors.causes[0]!.firstOperation).toMatch(/^workload 0 \(create account\): accounts\([0-9a-f-]{36}\)$/);
    expect(s.integrity.problems.join('\n')).not.toContain('lost');
    expect(s.integrity.ok).toBe(true);
    expect(s.verdict).toMatchObject({ status: 'failed' });
  });

  it('a failed audit fails the run: exit 1 with the problems listed', async () => {
    const dir = await tempDir('dvbench-audit-cli-');
    await writeFile(join(dir, 's.yaml'), SCENARIO('[{ kind: lose, rate: 0.2, operation: create, table: account }]'));
    const result = await runCli(['run', join(dir, 's.yaml'), '--out', join(dir, 'out'), '--quiet']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^integrity audit failed for async:4: \d+ problem\(s\)$/m);
    expect(result.stderr).toContain('lost write: account');
  });
});
