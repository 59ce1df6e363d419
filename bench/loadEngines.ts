import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type autocannonType from 'autocannon';
import { DataverseClient } from '../src/client/DataverseClient.js';
import { MeasurementSink } from '../src/metrics/MeasurementSink.js';
import type { PlannedOperation } from '../src/operations/PlannedOperation.js';
import { executeOperation } from '../src/strategies/executeOperation.js';

export interface LoadResult {
  readonly requestsPerSec: number;
  readonly requests: number;
  readonly cpuMicrosPerRequest: number;
}

export interface BenchRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/**
 * autocannon from bench/node_modules (bench/package.json), found from this file whether it runs
 * from source or compiled under dist-tools/.
 */
function loadAutocannon(): typeof autocannonType {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'bench', 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("bench/package.json not found: run 'npm run bench' from the repository");
    dir = up;
  }
  return createRequire(join(dir, 'bench', 'package.json'))('autocannon') as typeof autocannonType;
}

/** autocannon, the reference Node load generator, for `seconds` with `connections`. */
export async function runAutocannon(
  url: string,
  request: BenchRequest,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const cpu = process.cpuUsage();
  const result = await loadAutocannon()({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: request.method,
        path: request.path,
        headers: request.headers ?? {},
        ...(request.body === undefined ? {} : { body: request.body }),
      },
    ],
  });
  const used = process.cpuUsage(cpu);
  const requests = result.requests.total;
  return {
    requestsPerSec: requests / seconds,
    requests,
    cpuMicrosPerRequest: (used.user + used.system) / Math.max(1, requests),
  };
}

/**
 * dvbench's `async` engine: the same path a run takes (executeOperation on a DataverseClient
 * with its retry policy and measurement sink), `connections` operations in flight, for `seconds`.
 */
export async function runDvbenchAsync(
  url: string,
  op: PlannedOperation,
  connections: number,
  seconds: number,
): Promise<LoadResult & { sink: MeasurementSink }> {
  const client = new DataverseClient({ url, connections });
  const sink = new MeasurementSink();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) sink.accept(await executeOperation(client, op));
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  await client.close();
  return {
    requestsPerSec: sink.requests / elapsed,
    requests: sink.requests,
    cpuMicrosPerRequest: (used.user + used.system) / Math.max(1, sink.requests),
    sink,
  };
}
