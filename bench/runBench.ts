import { fork } from 'node:child_process';
import { once } from 'node:events';
import { cpus, platform, release } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { Bench } from 'tinybench';
import { parseMockConfig, tableDirectory, type MockConfigInput } from '../mock-server/index.js';
import { decodeBatchRequest } from '../protocol/batch/index.js';
import { encodeBatch } from '../src/client/batch/encodeBatch.js';
import { DataverseClient } from '../src/client/DataverseClient.js';
import { MeasurementSink } from '../src/metrics/MeasurementSink.js';
import { median } from '../src/metrics/statistics.js';
import { writeJsonAtomic } from '../src/report/writeJsonAtomic.js';
import { startEmbeddedMock, type EmbeddedMock } from '../src/runner/startEmbeddedMock.js';
import { parseScenarioText } from '../src/scenario/loadScenario.js';
import { planOperations, seededRowsKey } from '../src/scenario/planOperations.js';
import type { PlannedOperation } from '../src/scenario/PlannedOperation.js';
import { poolStrategy } from '../src/strategies/inProcessStrategies.js';
import type { BenchRequest } from './loadEngines.js';
import { runAutocannon, runDvbenchAsync } from './loadEngines.js';
import type { CannedResponse } from './bareServer.js';
import { calibrationAccuracy } from './calibrationAccuracy.js';
import { loadGeneratorLimit } from './loadGeneratorLimit.js';

const quick = process.argv.includes('--quick');
const CONNECTIONS = 16;
const SECONDS = quick ? 3 : 8;
const rows: string[][] = [];
const out: Record<string, unknown> = {};

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function startBare(
  responses: Record<string, CannedResponse>,
  fallback: CannedResponse,
): Promise<{ url: string; stop: () => void }> {
  const child = fork(fileURLToPath(new URL('./bareServer.js', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.send({ responses, fallback });
  const [reply] = (await once(child, 'message')) as [{ url: string }];
  return { url: reply.url, stop: () => child.kill() };
}

async function capture(url: string, r: BenchRequest): Promise<CannedResponse> {
  const res = await request(`${url}${r.path}`, {
    method: r.method,
    ...(r.headers === undefined ? {} : { headers: r.headers }),
    ...(r.body === undefined ? {} : { body: r.body }),
  });
  const body = await res.body.text();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers))
    if (typeof v === 'string' && k !== 'content-length' && k !== 'date' && k !== 'connection' && k !== 'keep-alive')
      headers[k] = v;
  return { status: res.statusCode, headers, body };
}

const FAST_MOCK: MockConfigInput = { auth: { enabled: false }, limits: { enabled: false } };

async function withMock<T>(config: MockConfigInput, fn: (mock: EmbeddedMock) => Promise<T>): Promise<T> {
  const mock = await startEmbeddedMock(parseMockConfig(config));
  try {
    return await fn(mock);
  } finally {
    await mock.stop();
  }
}

async function seed(url: string, counts: Record<string, number>): Promise<void> {
  const res = await request(`${url}/_mock/seed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ seed: 1, counts }),
  });
  await res.body.dump();
}

/** 1. Is the load generator the bottleneck? dvbench's async engine vs autocannon on a bare server. */
async function generatorOverhead(): Promise<void> {
  const canned: CannedResponse = {
    status: 200,
    headers: { 'content-type': 'application/json; odata.metadata=minimal', 'odata-version': '4.0' },
    body: JSON.stringify({
      '@odata.etag': 'W/"1"',
      accountid: '00000000-0000-4000-8000-000000000001',
      name: 'Contoso Ltd',
    }).padEnd(100),
  };
  const bare = await startBare({}, canned);
  try {
    const op: PlannedOperation = {
      kind: 'retrieve',
      workload: 0,
      ops: 1,
      set: 'accounts',
      table: 'account',
      id: '00000000-0000-4000-8000-000000000001',
      query: '',
    };
    const ac = await runAutocannon(
      bare.url,
      { method: 'GET', path: '/api/data/v9.2/accounts(00000000-0000-4000-8000-000000000001)' },
      CONNECTIONS,
      SECONDS,
    );
    const dv = await runDvbenchAsync(bare.url, op, CONNECTIONS, SECONDS);
    const ratio = dv.requestsPerSec / ac.requestsPerSec;
    out.generatorRatio = ratio;
    out.generator = {
      autocannon: ac,
      dvbench: {
        requestsPerSec: dv.requestsPerSec,
        requests: dv.requests,
        cpuMicrosPerRequest: dv.cpuMicrosPerRequest,
      },
      connections: CONNECTIONS,
      seconds: SECONDS,
    };
    rows.push([
      '1. generator: dvbench async vs autocannon (bare server, 16 conn.)',
      `${dv.requestsPerSec.toFixed(0)} vs ${ac.requestsPerSec.toFixed(0)} req/s`,
      `ratio ${ratio.toFixed(2)} (goal ≥ 0.9)`,
      `${dv.cpuMicrosPerRequest.toFixed(0)} µs CPU/request (autocannon ${ac.cpuMicrosPerRequest.toFixed(0)})`,
    ]);
  } finally {
    bare.stop();
  }
}

/** 2. Is the mock the slowest part? autocannon against the mock vs a bare server returning the same bytes. */
async function mockThroughput(): Promise<void> {
  await withMock(FAST_MOCK, async (mock) => {
    await seed(mock.url, { account: 1000 });
    // Seeding is deterministic, so this id survives the reseed before each case.
    const first = (await (
      await request(`${mock.url}/api/data/v9.2/accounts?$select=accountid&$top=1`)
    ).body.json()) as { value: { accountid: string }[] };
    const id = first.value[0]?.accountid ?? '';
    const batch = encodeBatch(
      Array.from({ length: 100 }, (_, i) => ({ method: 'POST' as const, url: 'accounts', body: { name: `b${i}` } })),
      { apiUrl: `${mock.url}/api/data/v9.2/`, boundary: 'batch_bench' },
    );
    const cases: { name: string; ops: number; req: BenchRequest }[] = [
      { name: 'GET by id', ops: 1, req: { method: 'GET', path: `/api/data/v9.2/accounts(${id})` } },
      ...(quick
        ? []
        : [
            {
              name: 'POST create',
              ops: 1,
              req: {
                method: 'POST' as const,
                path: '/api/data/v9.2/accounts',
                headers: { 'content-type': 'application/json' },
                body: '{"name":"bench"}',
              },
            },
            {
              name: 'query, 50 records',
              ops: 1,
              req: {
                method: 'GET' as const,
                path: `/api/data/v9.2/accounts?$select=name,revenue&$filter=${encodeURIComponent('revenue gt 0')}&$top=50`,
              },
            },
            {
              name: '$batch of 100 creates',
              ops: 100,
              req: { method: 'POST' as const, path: '/api/data/v9.2/$batch', headers: batch.headers, body: batch.body },
            },
          ]),
    ];
    const results: Record<string, unknown> = {};
    for (const c of cases) {
      // Every case starts from the same 1000 accounts (earlier cases create records).
      await seed(mock.url, { account: 1000 });
      const canned = await capture(mock.url, c.req);
      const bare = await startBare({ [`${c.req.method} ${c.req.path.split('?')[0] ?? ''}`]: canned }, canned);
      try {
        const onMock = await runAutocannon(mock.url, c.req, CONNECTIONS, SECONDS);
        const onBare = await runAutocannon(bare.url, c.req, CONNECTIONS, SECONDS);
        const ratio = onMock.requestsPerSec / onBare.requestsPerSec;
        results[c.name] = {
          mockRequestsPerSec: onMock.requestsPerSec,
          bareRequestsPerSec: onBare.requestsPerSec,
          ratio,
          mockOperationsPerSec: onMock.requestsPerSec * c.ops,
        };
        if (c.name === 'GET by id') out.mockRatio = ratio;
        rows.push([
          `2. mock: ${c.name}`,
          `${onMock.requestsPerSec.toFixed(0)} req/s (${(onMock.requestsPerSec * c.ops).toFixed(0)} ops/s) vs bare ${onBare.requestsPerSec.toFixed(0)}`,
          `ratio ${ratio.toFixed(2)}${c.name === 'GET by id' ? ' (goal ≥ 0.5)' : ''}`,
          '',
        ]);
      } finally {
        bare.stop();
      }
    }
    out.mock = results;
  });
}

/** The harness's own benchmarks send no identity: no Retry-After gate to share. */
const noGates = { buffer: new SharedArrayBuffer(8), gates: [] };

/** 3. Are speedups measured right? A fixed 20 ms mock: async N should be N times faster. */
async function measurementAccuracy(): Promise<void> {
  await withMock({ ...FAST_MOCK, latency: { default: { baseMs: 20, distribution: 'none' } } }, async (mock) => {
    await seed(mock.url, { account: 10 });
    const op: PlannedOperation = {
      kind: 'query',
      workload: 0,
      ops: 1,
      set: 'accounts',
      table: 'account',
      pathAndQuery: 'accounts?$select=name&$top=1',
      pageSize: 1,
      followPaging: false,
    };
    const points: { n: number; speedup: number; error: number }[] = [];
    let base = 0;
    for (const n of [1, 2, 4, 8, 16, 32, 64]) {
      // Whole rounds: n × rounds operations, so no round runs part-empty and the ideal is exactly n.
      const ops = Array.from({ length: n * (quick ? 10 : 25) }, () => op);
      const client = new DataverseClient({ url: mock.url, connections: n });
      const sink = new MeasurementSink();
      const t0 = performance.now();
      await poolStrategy({
        spec:
          n === 1
            ? { kind: 'sequential', name: 'sequential', concurrency: 1 }
            : { kind: 'async', name: `async:${n}`, workers: n, concurrency: n },
        ops,
        client,
        sink,
        target: { url: mock.url, identities: { kind: 'mock', count: 1 } },
        signal: new AbortController().signal,
        gates: noGates,
        onProgress: () => undefined,
        onReady: () => undefined,
      });
      const throughput = ops.length / (performance.now() - t0);
      await client.close();
      if (n === 1) base = throughput;
      const speedup = throughput / base;
      points.push({ n, speedup, error: Math.abs(speedup / n - 1) });
    }
    const upTo32 = points.filter((p) => p.n <= 32);
    out.speedupError = Math.max(...upTo32.map((p) => p.error));
    out.speedup = points;
    rows.push([
      '3. accuracy: async N vs ideal N (20 ms fixed latency)',
      points.map((p) => `${p.n}:${p.speedup.toFixed(2)}`).join(' '),
      `max error ≤32: ${((out.speedupError as number) * 100).toFixed(1)}% (goal ≤ 5%)`,
      `at 64: ${((points.at(-1)?.error ?? 0) * 100).toFixed(1)}%`,
    ]);
  });
}

/** 4. Scale: a million planned operations with flat memory; a paged read of 200,000 records. */
async function scale(): Promise<void> {
  // The paged read first: RSS never shrinks, so it must not inherit the million-operation run's.
  await withMock(FAST_MOCK, async (mock) => {
    await seed(mock.url, { account: 200_000 });
    const client = new DataverseClient({ url: mock.url, connections: 1 });
    let records = 0;
    const before = process.memoryUsage.rss();
    let peak = before;
    const t0 = performance.now();
    for await (const page of client.queryPages('accounts?$select=name,revenue', { maxPageSize: 5000 })) {
      records += page.records;
      peak = Math.max(peak, process.memoryUsage.rss());
    }
    const seconds = (performance.now() - t0) / 1000;
    await client.close();
    out.pagedRead = { records, seconds, peakRssBytes: peak };
    rows.push([
      '4b. paged read of 200,000 records (pages of 5000)',
      `${records} records in ${seconds.toFixed(1)} s`,
      `${(records / seconds).toFixed(0)} records/s`,
      `client peak RSS ${(peak / 1e6).toFixed(0)} MB`,
    ]);
  });
  const canned: CannedResponse = {
    status: 200,
    headers: { 'content-type': 'application/json; odata.metadata=minimal' },
    body: '{"accountid":"00000000-0000-4000-8000-000000000001","name":"x"}',
  };
  const bare = await startBare({}, canned);
  try {
    const scenario = parseScenarioText(
      'name: scale\ndata: { account: 1000 }\nworkloads: [{ kind: read, mode: retrieve, table: account, count: 1000000 }]\nstrategies: [{ kind: async, workers: 64 }]\n',
      'scale.yaml',
    ).scenario;
    const ids = Array.from({ length: 1000 }, (_, i) => ({
      accountid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    }));
    let peak = process.memoryUsage.rss();
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
    const t0 = performance.now();
    const ops = planOperations(scenario, tableDirectory(), new Map([[seededRowsKey('account', undefined), ids]]));
    const client = new DataverseClient({ url: bare.url, connections: 64 });
    const sink = new MeasurementSink();
    await poolStrategy({
      spec: { kind: 'async', name: 'async:64', workers: 64, concurrency: 64 },
      ops,
      client,
      sink,
      target: { url: bare.url, identities: { kind: 'mock', count: 1 } },
      signal: new AbortController().signal,
      gates: noGates,
      onProgress: () => undefined,
      onReady: () => undefined,
    });
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(timer);
    await client.close();
    out.scale = { operations: sink.operations, seconds, peakRssBytes: peak };
    rows.push([
      '4a. scale: 1,000,000 planned retrieves, async:64 (bare server)',
      `${(sink.operations / seconds).toFixed(0)} ops/s, ${seconds.toFixed(0)} s`,
      `peak RSS ${(peak / 1e6).toFixed(0)} MB (goal < 300)`,
      '',
    ]);
  } finally {
    bare.stop();
  }
}

/** 5. Microbenchmarks of the hot paths, with tinybench. */
async function micro(): Promise<void> {
  const { parseFilter } = await import('../mock-server/odata/parseFilter.js');
  const entries = Array.from({ length: 100 }, (_, i) => ({
    method: 'POST' as const,
    url: 'accounts',
    body: { name: `n${i}`, revenue: i },
  }));
  const encoded = encodeBatch(entries, { apiUrl: 'http://127.0.0.1/api/data/v9.2/', boundary: 'batch_m' });
  const sink = new MeasurementSink();
  const bench = new Bench({ time: 500 });
  bench
    .add('$batch encode (100 creates)', () =>
      encodeBatch(entries, { apiUrl: 'http://127.0.0.1/api/data/v9.2/', boundary: 'batch_m' }),
    )
    .add('$batch decode (100 creates)', () => decodeBatchRequest(encoded.body, encoded.headers['Content-Type']))
    .add('$filter parse', () =>
      parseFilter("(revenue gt 1000 and contains(name,'contoso')) or createdon ge 2024-01-01T00:00:00Z"),
    )
    .add('histogram record', () => {
      sink.recordRequest(12.5, 13.7);
    });
  await bench.run();
  const micro: Record<string, number> = {};
  for (const task of bench.tasks) {
    const result = task.result as { state?: string; throughput?: { mean: number } } | undefined;
    const hz = result?.throughput?.mean ?? 0;
    micro[task.name] = hz;
    rows.push([
      `5. ${task.name}`,
      `${hz >= 1e6 ? `${(hz / 1e6).toFixed(2)} M` : hz >= 1e3 ? `${(hz / 1e3).toFixed(1)} k` : hz.toFixed(0)} ops/s`,
      `${(1e6 / Math.max(hz, 1e-9)).toFixed(2)} µs each`,
      '',
    ]);
  }
  out.micro = micro;
}

/** 6. Calibration: profiles fitted on stand-in orgs, scored on strategies the fit never saw. */
async function calibration(): Promise<void> {
  const results = await calibrationAccuracy(quick);
  for (const r of results)
    rows.push([
      `6. calibrate ${r.standIn} (${r.scaling})`,
      `median |error| ${r.medianAbsErrorPercent.toFixed(1)}%, max ${r.maxAbsErrorPercent.toFixed(1)}%`,
      `${r.requests} requests, ${r.minutes.toFixed(1)} min, ${r.leftBehind ?? '?'} left`,
      'goal ±15%, median ±8%',
    ]);
  out.calibration = {
    standIns: results,
    maxAbsErrorPercent: Math.max(...results.map((r) => r.maxAbsErrorPercent)),
    medianAbsErrorPercent: median(results.flatMap((r) => Object.values(r.errors).map(Math.abs))),
  };
}

/** 7. Load tests: the highest constant arrival rate the generator holds against a no-cost mock. */
async function loadLimit(): Promise<void> {
  const steps = await loadGeneratorLimit(quick);
  const held = steps.filter((s) => s.held).at(-1);
  const failed = steps.find((s) => !s.held);
  rows.push([
    '7. load generator (open model)',
    `holds ${held?.rate ?? 0}/s${failed === undefined ? '' : `; at ${failed.rate}/s sent ${(failed.sentShare * 100).toFixed(1)}%, late ${(failed.lateShare * 100).toFixed(1)}%, achieved ${(failed.achievedShare * 100).toFixed(1)}%`}`,
    'no-cost mock on the same 2 cores',
    'report it',
  ]);
  out.loadGenerator = { heldRate: held?.rate ?? 0, steps };
}

async function main(): Promise<void> {
  const started = performance.now();
  log(
    `dvbench bench${quick ? ' --quick' : ''}: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}`,
  );
  for (const [name, fn] of [
    ['generator overhead', generatorOverhead],
    ['mock throughput', mockThroughput],
    ['measurement accuracy', measurementAccuracy],
    ['calibration accuracy', calibration],
    ['load generator limit', loadLimit],
    ...(quick
      ? []
      : [
          ['scale', scale],
          ['microbenchmarks', micro],
        ]),
  ] as [string, () => Promise<void>][]) {
    log(`running ${name}…`);
    await fn();
  }
  const machine = {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    os: `${platform()} ${release()}`,
  };
  await writeJsonAtomic('reports/bench.json', {
    quick,
    machine,
    finishedAt: new Date().toISOString(),
    seconds: (performance.now() - started) / 1000,
    ...out,
  });
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  process.stdout.write(
    `${rows
      .map((r) =>
        r
          .map((cell, c) => cell.padEnd(widths[c] ?? 0))
          .join('  ')
          .trimEnd(),
      )
      .join('\n')}\n\nwrote reports/bench.json (${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
  );
}

await main();
process.exit(0);
