import { performance } from 'node:perf_hooks';
import { tableDirectory } from '../mock-server/index.js';
import { DataverseClient } from '../src/client/DataverseClient.js';
import { MeasurementSink } from '../src/metrics/MeasurementSink.js';
import { fingerprint } from '../src/target/prepareData.js';
import { parseScenarioText } from '../src/scenario/loadScenario.js';
import { planOperations, seededRowsKey } from '../src/scenario/planOperations.js';
import { eventLoopPool } from '../src/strategies/pool/eventLoopPool.js';

/** What the scale benchmark's child reports over IPC. */
export interface MillionOpsResult {
  readonly operations: number;
  readonly seconds: number;
  readonly planSeconds: number;
  /** Peak resident memory of this process alone, sampled every 50 ms, bytes. */
  readonly peakRssBytes: number;
  readonly rssBeforeBytes: number;
  /**
   * Live heap once the run is over, after a full GC, with the plan still held: what the plan,
   * the client and the measurements keep. Peak RSS above it is garbage not yet collected.
   */
  readonly liveHeapAfterRunBytes: number;
  readonly fingerprint: string;
}

/**
 * Forked by the benchmark with a bare server's URL: plans 1,000,000 retrieves, fingerprints the
 * plan as a run does, and runs them with async:64, in a process of its own so its peak memory
 * is the plan's and the run's, not what earlier benchmark sections left behind.
 */
async function main(url: string, count: number): Promise<MillionOpsResult> {
  const rssBeforeBytes = process.memoryUsage.rss();
  let peak = rssBeforeBytes;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const scenario = parseScenarioText(
    `name: scale\ndata: { account: 1000 }\nworkloads: [{ kind: read, mode: retrieve, table: account, count: ${count} }]\nstrategies: [{ kind: async, workers: 64 }]\n`,
    'scale.yaml',
  ).scenario;
  const ids = Array.from({ length: 1000 }, (_, i) => ({
    accountid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  }));
  const t0 = performance.now();
  const ops = planOperations(scenario, tableDirectory(), new Map([[seededRowsKey('account', undefined), ids]]));
  const planHash = fingerprint(ops);
  const planSeconds = (performance.now() - t0) / 1000;
  const client = new DataverseClient({ url, connections: 64 });
  const sink = new MeasurementSink();
  await eventLoopPool({
    spec: { kind: 'async', name: 'async:64', workers: 64, concurrency: 64 },
    ops,
    client,
    sink,
    target: { url, identities: { kind: 'mock', count: 1 } },
    signal: new AbortController().signal,
    gates: { buffer: new SharedArrayBuffer(8), gates: [] },
    onProgress: () => undefined,
    onReady: () => undefined,
  });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage.rss());
  // Forked with --expose-gc by the benchmark; the plan is still referenced below.
  (globalThis as { gc?: () => void }).gc?.();
  const liveHeapAfterRunBytes = process.memoryUsage().heapUsed;
  await client.close();
  return {
    operations: sink.operations,
    seconds,
    planSeconds,
    peakRssBytes: peak,
    rssBeforeBytes,
    liveHeapAfterRunBytes: ops.length > 0 ? liveHeapAfterRunBytes : 0,
    fingerprint: planHash,
  };
}

const [url, count] = process.argv.slice(2);
if (url === undefined) throw new Error('usage: millionOps.js <bare server url> [count]');
process.send?.(await main(url, Number(count ?? 1_000_000)));
process.exit(0);
