import { describe, expect, it } from 'vitest';
import { parseScenarioText } from './loadScenario.js';

const BASE = `name: l
data: { account: 10 }
workloads:
  - { name: reads, kind: read, table: account, mode: retrieve, count: 10 }
  - { name: writes, kind: update, table: account, count: 5, set: { telephone1: x } }
`;

function problemsOf(text: string): string {
  try {
    parseScenarioText(text, 'l.yaml');
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

describe('scenario: the load section', () => {
  it('accepts stages, a mix by workload name, objectives, and fills the defaults', () => {
    const { scenario } = parseScenarioText(
      `${BASE}load:\n  stages: [{ duration: 30s, rate: 20 }, { duration: 1m, rate: 50 }]\n  mix: { reads: 3, writes: 1 }\n  slos: [{ metric: p95, op: "<", value: 400, window: 1m, after: 30s }]\n`,
      'l.yaml',
    );
    expect(scenario.strategies).toEqual([]);
    expect(scenario.load).toMatchObject({
      maxInFlight: 200,
      timeUnit: 's',
      interval: '1s',
      abortOnFail: false,
      lateMs: 25,
    });
    expect(scenario.load?.slos[0]).toMatchObject({ metric: 'p95', window: '1m', after: '30s' });
  });

  it('refuses a scenario with both strategies and load, or neither, naming the place and the rule', () => {
    expect(problemsOf(`${BASE}strategies: [sequential]\nload: { stages: [{ duration: 1s, rate: 1 }] }\n`)).toContain(
      'l.yaml:7:7: load: a scenario is a benchmark (strategies) or a load test (load), not both',
    );
    expect(problemsOf(BASE)).toContain(
      'strategies: list at least one strategy (or give a load section for a load test)',
    );
  });

  it('refuses unknown mix names, bad durations, workloads that cannot repeat, and stages with no arrivals', () => {
    const text = `${BASE.replace('kind: update, table: account, count: 5, set: { telephone1: x }', 'kind: delete, table: account, count: 5')}load:\n  stages: [{ duration: 10x, rate: 0 }]\n  mix: { nobody: 1 }\n`;
    const message = problemsOf(text);
    expect(message).toContain('load.stages[0].duration: must be a duration such as 250ms, 30s, 5m or 1h');
    const again = problemsOf(text.replace('10x', '10s'));
    expect(again).toContain(
      'workloads[1].kind: a load test repeats its workloads for as long as it runs; delete cannot be repeated',
    );
    expect(again).toContain('load.mix.nobody: no workload is named "nobody"; names: reads, writes');
    expect(again).toContain('load.stages: the stages plan no arrival at all (every rate is 0)');
    expect(problemsOf(`${BASE}load: { stages: [{ duration: 1s, rate: 1 }], surprise: 1 }\n`)).toContain(
      'Unrecognized key: "surprise"',
    );
  });
});
