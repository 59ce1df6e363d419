import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ScenarioRun } from '../../src/runner/ScenarioRun.js';
import { dryRun } from '../../src/runner/dryRun.js';
import { parseScenarioText } from '../../src/scenario/loadScenario.js';
import { expandStrategies } from '../../src/strategies/expandStrategies.js';
import type * as StrategyKinds from '../../src/strategies/strategyKinds.js';
import { scenarioProblem } from '../helpers/scenarioProblem.js';
import { useTempDirs } from '../helpers/tempDirs.js';

// docs/extending.md: a strategy is one file plus one line in strategyKinds.ts. The file is
// test/fixtures/reverseStrategy.ts; the line is this mock's, which appends it to the list.
vi.mock('../../src/strategies/strategyKinds.js', async (importOriginal) => {
  const original = await importOriginal<typeof StrategyKinds>();
  const { reverseStrategy } = await import('../fixtures/reverseStrategy.js');
  return { ...original, strategyKinds: [...original.strategyKinds, reverseStrategy] };
});

const tempDir = useTempDirs();

const scenario = (
  strategies: string,
  workloads = '  - { kind: insert, table: account, count: 12, values: { name: "r {i}" } }',
) =>
  `name: reverse\nseed: 3\nmock:\n  latency: { default: { baseMs: 1, distribution: none } }\ndata: { account: 5 }\nworkloads:\n${workloads}\nstrategies: ${strategies}\nrepetitions: 1\nwarmup: 0\n`;

const problem = scenarioProblem;

describe('a strategy added in one file is known everywhere a kind is', () => {
  it('the scenario schema takes its shorthand and object form, with its defaults, and names it among the kinds', () => {
    const { scenario: s } = parseScenarioText(scenario('[sequential, "reverse:2", { kind: reverse }]'), 'x.yaml');
    expect(s.strategies).toEqual([
      { kind: 'sequential' },
      { kind: 'reverse', stride: 2 },
      { kind: 'reverse', stride: 1 },
    ]);
    expect(expandStrategies(s.strategies).map((x) => x.name)).toEqual(['sequential', 'reverse:2', 'reverse:1']);
    expect(problem(scenario('[{ kind: reverse, stride: 0 }]'))).toContain('strategies[0].stride: Too small');
    expect(problem(scenario('[{ kind: backwards }]'))).toContain(
      'kinds: sequential, async, threads, processes, batch, transaction, bulk, adaptive, reverse',
    );
    expect(problem(scenario('["reverse:x"]'))).toContain('a shorthand such as sequential, async:8');
    expect(problem(scenario('["reverse:x"]'))).toContain('reverse:1');
  });

  it('its own rules and its capabilities are checked when the scenario is loaded', () => {
    expect(problem(scenario('[{ kind: reverse, stride: 5 }]'))).toContain(
      'strategies[0].stride: at most 3 (a rule of this strategy)',
    );
    const script = '  - { kind: script, module: ../fixtures/scripts/echo.mjs, count: 2 }';
    expect(problem(scenario('["reverse:1"]', script))).toMatch(
      /strategies\[0\]: a reverse strategy cannot run a script workload.*use sequential, async, threads, processes or adaptive/,
    );
  });

  it('the dry run counts the requests its descriptor says it sends', () => {
    const { scenario: s } = parseScenarioText(scenario('[sequential, "reverse:1", "reverse:2"]'), 'x.yaml');
    const plan = dryRun(s);
    expect(plan.strategies.map((x) => [x.name, x.requestsPerRepetition])).toEqual([
      ['sequential', 12],
      ['reverse:1', 12],
      ['reverse:2', 6],
    ]);
  });

  it('runs on the mock, is measured and judged like any other, and leaves exactly the planned records', async () => {
    const outDir = await tempDir('dvbench-reverse-');
    const loaded = parseScenarioText(scenario('[sequential, "reverse:1"]'), 'x.yaml');
    const results = await new ScenarioRun(loaded, { outDir, target: { kind: 'mock' } }).run();
    const [seq, rev] = results.strategies;
    expect(rev).toMatchObject({ name: 'reverse:1', kind: 'reverse', parameters: { stride: 1 }, workers: 1 });
    expect(rev?.verdict).toEqual({ status: 'ok', reasons: [] });
    expect(rev?.integrity).toMatchObject({ ok: true, problemCount: 0 });
    expect(rev?.repetitions[0]?.operations).toBe(12);
    expect(rev?.repetitions[0]?.records).toEqual(seq?.repetitions[0]?.records);
    expect(rev?.requests).toBe(12);
    expect(rev?.speedup).toBeGreaterThan(0);
    expect(rev?.efficiency).toBe(rev?.speedup);
    const onDisk = await readFile(join(outDir, 'results.json'), 'utf8');
    expect(onDisk).toContain('"reverse:1"');
  });
});
