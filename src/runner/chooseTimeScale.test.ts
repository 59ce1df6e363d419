import { describe, expect, it } from 'vitest';
import { loadScenario } from '../scenario/loadScenario.js';
import { chooseTimeScale } from './chooseTimeScale.js';

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
});
