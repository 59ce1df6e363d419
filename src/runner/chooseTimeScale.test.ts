import type * as os from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { loadScenario, parseScenarioText } from '../scenario/loadScenario.js';
import { chooseLoadTimeScale, chooseTimeScale } from './chooseTimeScale.js';

// The choices below are this 2-core VM's (the CPU bound scales with the cores): the same on any
// machine. vi.mock is hoisted above the imports, so chooseTimeScale sees it.
vi.mock('node:os', async (importOriginal) => ({
  ...(await importOriginal<typeof os>()),
  availableParallelism: () => 2,
}));

describe('chooseTimeScale (--time-scale auto)', () => {
  it("is bound by the strategy that leaves the mock least to give back: paper-reproduction's processes", async () => {
    const { scenario } = await loadScenario('scenarios/paper-reproduction.yaml');
    const choice = chooseTimeScale(scenario);
    expect(choice.timeScale).toBe(10);
    expect(choice.reason).toMatch(/^processes:4: about \d+ ms of the org's time per request and worker/);
    // Without the processes, an event loop's few ms between requests allow more.
    const inProcess = chooseTimeScale(scenario, ['sequential', 'async:4']);
    expect(inProcess.timeScale).toBeGreaterThan(choice.timeScale);
    expect(inProcess.reason).toMatch(/^(sequential|async:4): /);
  });

  it('keeps the compressed request rate under a quarter of the cores: a busy event loop makes answers wait', async () => {
    // At half the cores these read 3-6% slow (×15 and ×5); at a quarter (×5 and ×3) within 2.1%.
    for (const [file, scale] of [
      ['scenarios/tune-capacity-8.yaml', 5],
      ['scenarios/transaction-clone-quote.yaml', 3],
    ] as const) {
      const choice = chooseTimeScale((await loadScenario(file)).scenario);
      expect(choice.timeScale).toBe(scale);
      expect(choice.reason).toMatch(/ms of CPU each, on \d+ core\(s\) kept under 25% busy \(at most ×[\d.]+;/);
    }
  });

  it("holds a scenario whose pages cost this machine's CPU more than the org's time to real time", async () => {
    const { scenario } = await loadScenario('scenarios/read-paged.yaml');
    const choice = chooseTimeScale(scenario);
    expect(choice.timeScale).toBe(1);
    expect(choice.reason).toMatch(/^not compressed: .*requests\/s in the org's time, [\d.]+ ms of CPU each/);
  });

  it('does not compress a scenario with no costs: the harness is all there is to measure', async () => {
    const { scenario } = await loadScenario('scenarios/paper-reproduction.yaml', { profile: 'zero' });
    const choice = chooseTimeScale(scenario);
    expect(choice.timeScale).toBe(1);
    expect(choice.reason).toMatch(/^not compressed: /);
  });

  it("a load test: by a request's compressed time at the mock, and by its peak arrival rate", () => {
    const load = (baseMs: number, rate: number): ReturnType<typeof chooseLoadTimeScale> =>
      chooseLoadTimeScale(
        parseScenarioText(
          `name: load
mock: { latency: { default: { baseMs: ${baseMs}, distribution: none }, roundTripMs: 5 } }
workloads: [{ kind: read, table: account, mode: retrieve, count: 10 }]
data: { account: 10 }
load: { stages: [{ duration: 10s, rate: ${rate} }] }
`,
          'load.yaml',
        ).scenario,
      );
    // 45 ms a read: 4.5 times the 10 ms real it must keep.
    const short = load(40, 40);
    expect(short.timeScale).toBe(3);
    expect(short.reason).toMatch(
      /^about 45\.\d ms of the org's time per request, kept above 10 ms real \(at most ×4\.5\)$/,
    );
    // 1,000 arrivals/s already take 0.7 of a core each second: no room to compress.
    const busy = load(200, 1000);
    expect(busy.timeScale).toBe(1);
    expect(busy.reason).toMatch(/^not compressed: a peak of 1000 arrivals\/s in the org's time, 0\.7 ms of CPU each/);
  });
});
