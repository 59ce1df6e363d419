import { describe, expect, it } from 'vitest';
import { ScenarioRun } from '../../src/runner/ScenarioRun.js';
import { parseScenarioText } from '../../src/scenario/loadScenario.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

// Repro 13b: a fifth of all responses are lost after the server did the work. Single requests
// always recovered; $batch, changesets and bulk messages now do too: every planned part is safe
// to repeat, and a retry recognises the lost attempt's work (duplicate key, record gone).
const SCENARIO = `name: lost-responses
seed: 8
mock:
  seed: 8
  latency: { default: { baseMs: 1, distribution: none } }
  faults: [{ kind: drop, rate: 0.2, afterProcessing: true }]
data: { account: 200 }
workloads:
  - { kind: insert, table: account, count: 120, values: { name: "D{i}" } }
  - { kind: update, table: account, count: 40, set: { telephone1: "555-{i}" } }
  - { kind: delete, table: account, count: 40 }
  - { kind: transactional, count: 10, linesPerUnit: 2 }
strategies:
  - { kind: bulk, size: 25, inFlight: 2 }
  - { kind: batch, size: 25, inFlight: 2, continueOnError: true }
  - { kind: batch, size: 25, inFlight: 2, continueOnError: false }
  - { kind: transaction, inFlight: 4 }
repetitions: 1
warmup: 0
`;

describe('batch, transaction and bulk survive lost responses exactly once', () => {
  it('no failed operation, a clean audit, and retries that prove responses were lost', async () => {
    const outDir = await tempDir('dvbench-once-');
    const results = await new ScenarioRun(parseScenarioText(SCENARIO, 'once.yaml'), {
      outDir,
      target: { kind: 'mock' },
    }).run();
    expect(results.strategies.map((s) => s.name)).toEqual([
      'bulk:25x2',
      'batch:25x2',
      'batch:25x2:stop',
      'transaction:4',
    ]);
    for (const s of results.strategies) {
      expect(s.errors, s.name).toMatchObject({ total: 0 });
      expect(s.integrity, s.name).toMatchObject({ ok: true, problemCount: 0 });
      expect(s.retries, s.name).toBeGreaterThan(0);
      expect(s.verdict.status, s.name).toBe('ok');
    }
    const records = results.strategies.map((s) => s.repetitions[0]!.records);
    for (const r of records) expect(r).toEqual(records[0]);
  });
});
