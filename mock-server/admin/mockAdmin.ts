import { request } from 'undici';

/** What `/_mock/stats` answers: requests by kind and status, records per table, server resources. */
export type MockStatsSnapshot = Readonly<Record<string, unknown>> & {
  readonly records: Readonly<Record<string, number>>;
};

export interface SeedOptions {
  /** Seed of the generated values: the same seed and counts give the same records. @default 1 */
  readonly seed?: number;
  /**
   * Records get `createdon` within the year before this date-time (ISO 8601, with an offset).
   * @default today, 00:00 UTC
   */
  readonly referenceDate?: string;
  /**
   * Empty every table first. With false, seed only empty tables: seeded records are numbered, and a
   * second lot would repeat their keys (refused, nothing kept). @default true
   */
  readonly reset?: boolean;
}

/** The admin endpoints of a running mock, for a test's setup and assertions. */
export interface MockAdmin {
  /** Generates realistic records, `seed({ account: 50, contact: 200 })`; answers the record counts per table. */
  seed(counts: Readonly<Record<string, number>>, options?: SeedOptions): Promise<Readonly<Record<string, number>>>;
  /** Empties every table and zeroes the stats, the throttling windows and the fault counters. */
  reset(): Promise<void>;
  stats(): Promise<MockStatsSnapshot>;
  /** A bearer token from the mock's token endpoint (Entra ID's shape), for a mock with auth on. */
  token(clientId?: string): Promise<string>;
}

async function call(url: string, method: 'GET' | 'POST', body?: unknown): Promise<unknown> {
  const res = await request(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  const json: unknown = text === '' ? {} : JSON.parse(text);
  if (res.statusCode >= 400) {
    const error = (json as { error?: { code?: string; message?: string } }).error;
    throw new Error(`${method} ${url}: ${res.statusCode} ${error?.code ?? ''} ${error?.message ?? text}`.trim());
  }
  return json;
}

/**
 * A client for a mock's `/_mock/*` endpoints and its token endpoint, over HTTP, so it works
 * the same for a mock started in the test's process and for a `dvbench mock` process.
 * `origin` is the mock's origin, e.g. `mock.url` of `startMockServer()`.
 */
export function mockAdmin(origin: string): MockAdmin {
  const base = origin.replace(/\/+$/, '');
  return {
    async seed(counts, options = {}) {
      const answer = (await call(`${base}/_mock/seed`, 'POST', { ...options, counts })) as {
        records?: Record<string, number>;
      };
      return answer.records ?? {};
    },
    async reset() {
      await call(`${base}/_mock/reset`, 'POST');
    },
    async stats() {
      return (await call(`${base}/_mock/stats`, 'GET')) as MockStatsSnapshot;
    },
    async token(clientId = 'dvbench-test') {
      const res = await request(`${base}/dvbench-tenant/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: 'any',
          scope: `${base}/.default`,
        }).toString(),
      });
      const json = (await res.body.json()) as { access_token?: string; error_description?: string };
      if (res.statusCode !== 200 || json.access_token === undefined)
        throw new Error(`the mock's token endpoint answered ${res.statusCode}: ${json.error_description ?? ''}`.trim());
      return json.access_token;
    },
  };
}
