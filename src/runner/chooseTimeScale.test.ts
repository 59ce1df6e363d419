import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenarioText } from '../scenario/loadScenario.js';
import { chooseLoadTimeScale, chooseTimeScale } from './chooseTimeScale.js';

describe('chooseTimeScale (--time-scale auto)', () => {
  it("is bound by the strategy that leaves the mock least to give back: paper-reproduction's processes", async () => {
    const { scenario } = await loadScenario('scenarios/paper-reproduction.yaml');
    const choice = chooseTimeScale(scenario);
    expect(choice.timeScale).toBe(5);
    expect(choice.reason).toMatch(/^processes:4: about \d+ ms of the org's time per request and worker/);
    // Without the processes, an event loop's few ms between requests allow more.
    const inProcess = chooseTimeScale(scenario, ['sequential', 'async:4']);
    expect(inProcess.timeScale).toBeGreaterThan(choice.timeScale);
    expect(inProcess.reason).toMatch(/^(sequential|async:4): /);
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
