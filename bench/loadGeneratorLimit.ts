import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoadRun } from '../src/load/runLoad.js';
import { median } from '../src/metrics/statistics.js';
import { parseScenarioText } from '../src/scenario/loadScenario.js';

export interface RateHeld {
  readonly rate: number;
  readonly sentShare: number;
  readonly lateShare: number;
  /** Completions per second over the run's inner intervals ÷ the planned rate. */
  readonly achievedShare: number;
  /** Latency from intended start, whole run. */
  readonly p99Ms: number;
  readonly held: boolean;
}

const scenario = (rate: number, seconds: number): string => `name: generator-limit
mock: { profile: zero }
data: { account: 200 }
workloads:
  - { name: reads, kind: read, table: account, mode: retrieve, count: 200 }
load:
  stages: [{ duration: ${seconds}s, rate: ${rate} }]
  maxInFlight: 500
`;

/**
 * The load generator's own ceiling: constant rates against a no-cost mock, doubling until one is
 * not held (under 99% of arrivals sent, over 1% late, or completions more than 2% off the rate).
 * The mock shares the 2 cores, so this is the generator and the mock together: a floor for
 * the generator alone.
 */
export async function loadGeneratorLimit(quick: boolean): Promise<RateHeld[]> {
  const dir = await mkdtemp(join(tmpdir(), 'dvbench-bench-load-'));
  const seconds = quick ? 4 : 6;
  const out: RateHeld[] = [];
  try {
    for (let rate = 500; rate <= 16_000; rate *= 2) {
      const loaded = parseScenarioText(scenario(rate, seconds), join(dir, 'generator-limit.yaml'));
      const r = await new LoadRun(loaded, { outDir: join(dir, String(rate)), target: { kind: 'mock' } }).run();
      const inner = r.series.filter((p) => p.t >= 0.9 && p.t < seconds - 1);
      // The median interval: one interval cut short by a late timer should not decide.
      const achieved = median(inner.map((p) => p.opsPerSec));
      const row = {
        rate,
        sentShare: r.arrivals.sent / Math.max(1, r.arrivals.planned),
        lateShare: r.arrivals.late / Math.max(1, r.arrivals.sent),
        achievedShare: achieved / rate,
        p99Ms: r.latencyMs.p99,
      };
      const held = row.sentShare >= 0.99 && row.lateShare <= 0.01 && Math.abs(row.achievedShare - 1) <= 0.02;
      out.push({ ...row, held });
      if (!held) break;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}
