import { createHash } from 'node:crypto';
import { request } from 'undici';
import type { TableEntry } from '../../mock-server/index.js';
import type { DataverseClient } from '../client/DataverseClient.js';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import { rowsNeeded, seededRowsKey, type SeededRows } from '../scenario/planOperations.js';
import { MAX_PAGE_SIZE, type Scenario } from '../scenario/scenarioSchema.js';

export interface ServerSnapshot {
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  readonly peakRssBytes: number;
  readonly busyMs: number;
  readonly queuePeak: number;
  /** A time-compressed mock's credit its waits could not pay, real ms so far (see `Delays`); absent from older mocks. */
  readonly unpaidCreditMs?: number;
  /** The mock's event loop, busy and idle, ms since start; absent from older mocks. */
  readonly eventLoopActiveMs?: number;
  readonly eventLoopIdleMs?: number;
  readonly records: Record<string, number>;
}

async function admin(mockUrl: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const res = await request(`${mockUrl}/_mock/${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200)
    throw errorCatalogue.DVB_ERR_TARGET_UNREACHABLE(`mock /_mock/${path} answered ${res.statusCode}: ${text}`);
  return JSON.parse(text) as unknown;
}

/** Empties the mock and generates the scenario's data from its seed: every repetition starts from identical data. */
export async function resetAndSeed(mockUrl: string, scenario: Scenario): Promise<void> {
  await admin(mockUrl, 'POST', 'reset');
  if (Object.keys(scenario.data).length > 0)
    await admin(mockUrl, 'POST', 'seed', { seed: scenario.seed, counts: scenario.data, reset: true });
}

export async function serverSnapshot(mockUrl: string): Promise<ServerSnapshot> {
  const stats = (await admin(mockUrl, 'GET', 'stats')) as {
    records: Record<string, number>;
    server: Omit<ServerSnapshot, 'records'>;
  };
  return { ...stats.server, records: stats.records };
}

/** One set of rows the planner asks for: a table's records, maybe filtered, with extra columns. */
export type RowNeed = ReturnType<typeof rowsNeeded>[number];

/** Reads one row set from the target, in key order: `[primary key, ...columns]` of every match. */
export async function fetchRowSet(
  client: DataverseClient,
  t: TableEntry,
  need: RowNeed,
): Promise<Record<string, unknown>[]> {
  const columns = [t.primaryKey, ...need.columns];
  const filter = need.filter === undefined ? '' : `&$filter=${encodeURIComponent(need.filter)}`;
  const rows: Record<string, unknown>[] = [];
  for await (const page of client.queryPages(
    `${t.entitySetName}?$select=${columns.join(',')}${filter}&$orderby=${t.primaryKey}`,
    { maxPageSize: MAX_PAGE_SIZE },
  )) {
    if (page.status !== 200)
      throw errorCatalogue.DVB_ERR_TARGET_UNREACHABLE(
        `reading ${t.entitySetName} to plan the work failed: HTTP ${page.status} ${page.error?.message ?? ''}`,
      );
    for (const r of (JSON.parse(page.text) as { value: Record<string, unknown>[] }).value)
      rows.push(Object.fromEntries(columns.map((c) => [c, r[c]])));
  }
  return rows;
}

/** Fetches the seeded rows the planner needs (primary key plus any extra columns), in key order. */
export async function fetchRows(
  client: DataverseClient,
  scenario: Scenario,
  tables: ReadonlyMap<string, TableEntry>,
): Promise<SeededRows> {
  const out = new Map<string, Record<string, unknown>[]>();
  for (const need of rowsNeeded(scenario)) {
    const t = tables.get(need.table);
    if (t !== undefined) out.set(seededRowsKey(need.table, need.filter), await fetchRowSet(client, t, need));
  }
  return out;
}

/**
 * A short hash of a value's JSON. An array is hashed element by element, to the same digest as
 * its whole JSON: a plan of a million operations never becomes one string of some 150 MB.
 */
export function fingerprint(value: unknown): string {
  const hash = createHash('sha256');
  if (Array.isArray(value)) {
    hash.update('[');
    value.forEach((item: unknown, i) => {
      // JSON.stringify writes null for an element it cannot represent.
      const json = (JSON.stringify(item) as string | undefined) ?? 'null';
      hash.update(i === 0 ? json : `,${json}`);
    });
    hash.update(']');
  } else hash.update(JSON.stringify(value));
  return hash.digest('hex').slice(0, 16);
}
