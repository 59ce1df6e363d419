import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoadRun } from '../src/load/LoadRun.js';
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

/** A ramp to the rate first: connections opened and code compiled before the rate is judged. */
const WARM_UP_S = 2;

const scenario = (rate: number, seconds: number): string => `name: generator-limit
mock: { profile: zero }
data: { account: 200 }
workloads:
  - { name: reads, kind: read, table: account, mode: retrieve, count: 200 }
load:
  startRate: ${rate / 10}
  stages: [{ duration: ${WARM_UP_S}s, rate: ${rate} }, { duration: ${seconds}s, rate: ${rate} }]
  maxInFlight: 500
`;

/**
 * The load generator's own ceiling: constant rates against a no-cost mock, doubling until one is
 * not held (under 99% of arrivals sent, over 1% late, or completions more than 2% off the rate),
 * each after a 2 s ramp that is not judged.
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
      // Judged on the constant stage only, without its first and last interval.
      const inner = r.series.filter((p) => p.t >= WARM_UP_S + 0.9 && p.t < WARM_UP_S + seconds - 1);
      const sum = (pick: (p: (typeof inner)[number]) => number): number => inner.reduce((a, p) => a + pick(p), 0);
      // The median interval: one interval cut short by a late timer should not decide.
      const achieved = median(inner.map((p) => p.opsPerSec));
      const row = {
        rate,
        sentShare:
          sum((p) => p.sent) /
          Math.max(
            1,
            sum((p) => p.due),
          ),
        lateShare:
          sum((p) => p.late) /
          Math.max(
            1,
            sum((p) => p.sent),
          ),
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
