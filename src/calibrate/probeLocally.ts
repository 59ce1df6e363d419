import { emptySamples, type CostSamples } from './CostSamples.js';
import { ProbeBudget } from './ProbeBudget.js';
import { CostProbe, type CostProbeOptions } from './probeCosts.js';
import { ProbeRecords } from './ProbeRecords.js';
import { startLocalMock } from './startLocalMock.js';

/**
 * The same probes on a zero-cost mock on this machine: what its client and HTTP stack take,
 * which the org's figures are net of.
 */
export async function probeLocally(writes: boolean, plan: Omit<CostProbeOptions, 'writes'>): Promise<CostSamples> {
  const local = await startLocalMock({ profile: 'zero' }, 600);
  try {
    const samples = emptySamples();
    const unlimited = new ProbeBudget({ maxRequests: Infinity, maxMs: Infinity, minHeadroom: 0 });
    await new CostProbe(local.client, new ProbeRecords(local.client), unlimited, { ...plan, writes }).run(samples);
    return samples;
  } finally {
    await local.stop();
  }
}
