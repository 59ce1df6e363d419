import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { startMockServer } from '../../../mock-server/index.js';
import { defineCommand, intFlag } from '../parseCommandArgs.js';

export const demoHelp = `Usage: dvbench demo [options]

Starts the embedded mock Dataverse server on a free loopback port, signs in through its token
endpoint, seeds data, then runs create, retrieve, update, query (paged) and delete calls one at
a time and prints how long each kind took. A quick check that everything works; the benchmark
is 'dvbench run <scenario>' (see 'dvbench run --help').

Options:
  --records <n>  records to create, update and delete (default 200)
  -h, --help     show this help
`;

interface Timing {
  readonly name: string;
  readonly ms: number[];
  readonly statuses: Map<number, number>;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
interface Answer {
  status: number;
  headers: Record<string, unknown>;
  json: unknown;
}

/** A signed-in Web API caller that times each call under a name. */
class DemoSession {
  readonly timings: Timing[] = [];

  constructor(
    readonly apiUrl: string,
    readonly headers: Record<string, string>,
  ) {}

  static async open(url: string, apiUrl: string): Promise<DemoSession> {
    const tokenRes = await request(`${url}/demo-tenant/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'dvbench-demo',
        client_secret: 'demo',
        scope: `${url}/.default`,
      }).toString(),
    });
    const { access_token: token } = (await tokenRes.body.json()) as { access_token: string };
    await request(`${url}/_mock/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seed: 1, counts: { account: 1000, contact: 2000 } }),
    }).then((r) => r.body.dump());
    return new DemoSession(apiUrl, {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      'odata-version': '4.0',
      'content-type': 'application/json',
    });
  }

  async time(name: string, fn: () => Promise<number>): Promise<void> {
    let t = this.timings.find((x) => x.name === name);
    if (t === undefined) this.timings.push((t = { name, ms: [], statuses: new Map() }));
    const start = performance.now();
    const status = await fn();
    t.ms.push(performance.now() - start);
    t.statuses.set(status, (t.statuses.get(status) ?? 0) + 1);
  }

  async call(method: Method, path: string, body?: unknown): Promise<Answer> {
    const res = await request(`${this.apiUrl}${path}`, {
      method,
      headers: this.headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, json: text === '' ? undefined : JSON.parse(text) };
  }

  /** Follows `@odata.nextLink` to the last page; the status of the last page. */
  async queryAllPages(first: string): Promise<number> {
    let url: string | undefined = first;
    let status = 0;
    while (url !== undefined) {
      const res = await request(url.startsWith('http') ? url : `${this.apiUrl}${url}`, {
        headers: { ...this.headers, prefer: 'odata.maxpagesize=500' },
      });
      status = res.statusCode;
      const page = (await res.body.json()) as { '@odata.nextLink'?: string };
      url = page['@odata.nextLink'];
    }
    return status;
  }
}

/** CRUD round: create `records` accounts, read, update and delete each, and page through contacts. */
async function exercise(session: DemoSession, records: number): Promise<void> {
  const ids: string[] = [];
  await session.time('WhoAmI', async () => (await session.call('GET', 'WhoAmI')).status);
  for (let i = 0; i < records; i++) {
    await session.time('create', async () => {
      const r = await session.call('POST', 'accounts', {
        name: `Demo ${i}`,
        accountnumber: `DEMO-${i}`,
        revenue: i * 10,
      });
      const id = /\(([^)]+)\)$/.exec(String(r.headers['odata-entityid']))?.[1];
      if (id !== undefined) ids.push(id);
      return r.status;
    });
  }
  for (const id of ids)
    await session.time(
      'retrieve',
      async () => (await session.call('GET', `accounts(${id})?$select=name,revenue`)).status,
    );
  for (const id of ids)
    await session.time(
      'update',
      async () => (await session.call('PATCH', `accounts(${id})`, { telephone1: '+1-555-0100' })).status,
    );
  await session.time('query (all pages)', () =>
    session.queryAllPages("contacts?$select=fullname,emailaddress1&$filter=contains(emailaddress1,'example')"),
  );
  for (const id of ids)
    await session.time('delete', async () => (await session.call('DELETE', `accounts(${id})`)).status);
}

function formatTimings(timings: readonly Timing[]): string {
  let out = '\noperation            calls  statuses        mean ms   p95 ms\n';
  for (const t of timings) {
    const sorted = [...t.ms].sort((a, b) => a - b);
    const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? 0;
    const statuses = [...t.statuses].map(([s, n]) => `${s}×${n}`).join(' ');
    out += `${t.name.padEnd(20)} ${String(t.ms.length).padStart(5)}  ${statuses.padEnd(14)} ${mean.toFixed(2).padStart(8)} ${p95.toFixed(2).padStart(8)}\n`;
  }
  return out;
}

/** `dvbench demo`: exercises the embedded mock end to end over HTTP. */
export const demoCommand = defineCommand(
  { name: 'demo', help: demoHelp, options: { records: { type: 'string' } } },
  async ({ values }, io) => {
    const records = intFlag('demo', 'records', values.records, 1, 100_000) ?? 200;
    const server = await startMockServer({ port: 0 });
    try {
      io.stdout.write(`mock listening on ${server.url}\n`);
      const session = await DemoSession.open(server.url, server.apiUrl);
      await exercise(session, records);
      io.stdout.write(formatTimings(session.timings));
      const failed = session.timings.some((t) => [...t.statuses.keys()].some((s) => s >= 400));
      io.stdout.write(failed ? '\nsome calls failed\n' : '\nall calls succeeded\n');
      return failed ? 1 : 0;
    } finally {
      await server.close();
    }
  },
);
