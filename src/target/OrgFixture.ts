import { seedBodies, type SeedBody, type TableEntry } from '../../mock-server/index.js';
import { createMultiple, upsertMultiple, type BulkRequest } from '../client/bulk/bulkRequests.js';
import type { DataverseClient } from '../client/DataverseClient.js';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import type { PlannedOperation } from '../operations/PlannedOperation.js';
import { rowsNeeded } from '../scenario/planOperations.js';
import { MAX_PAGE_SIZE, type Scenario } from '../scenario/scenarioSchema.js';
import type { CreatedRecord } from './createdRecords.js';
import type { RunIds } from './RunIds.js';
import type { SetupProgress, SetupTotals } from './RunTarget.js';

/** Records per bulk message: Microsoft's guidance starts at 100 (1,000 is the ceiling). */
export const FIXTURE_CHUNK = 100;
/** Bulk messages in flight while set-up runs: a small share of the 52 concurrent requests an identity may hold. */
const IN_FLIGHT = 4;

type Row = Record<string, unknown>;

/**
 * A scenario's `data:` in an org: the records the mock would seed from the same seed, with ids
 * of the run's own, created through CreateMultiple before anything is measured. Lookups inside
 * the data bind to the data's own records, as on the mock. Between repetitions the records a
 * repetition changed or deleted are put back with UpsertMultiple, so every repetition starts
 * from the same data, as on the mock.
 */
export class OrgFixture {
  readonly #scenario: Scenario;
  readonly #client: DataverseClient;
  readonly #ids: RunIds;
  readonly #totals: SetupTotals;
  readonly #onProgress: (p: SetupProgress) => void;
  /** Per table, its records in the order created: the primary key and the columns the planner reads. */
  readonly #rows = new Map<string, Row[]>();
  readonly #fixtureIds = new Set<string>();

  constructor(
    parts: { scenario: Scenario; client: DataverseClient; ids: RunIds; totals: SetupTotals },
    onProgress: (p: SetupProgress) => void,
  ) {
    this.#scenario = parts.scenario;
    this.#client = parts.client;
    this.#ids = parts.ids;
    this.#totals = parts.totals;
    this.#onProgress = onProgress;
  }

  get size(): number {
    return Object.values(this.#scenario.data).reduce((a, n) => a + n, 0);
  }

  has(table: string): boolean {
    return (this.#scenario.data[table] ?? 0) > 0;
  }

  #bodies(): Generator<SeedBody> {
    const { seed, data, mock } = this.#scenario;
    return seedBodies({ seed, counts: data }, mock.tables, {
      idOf: (table, i) => this.#ids.idFor(`data:${table}:${i}`),
      keyTag: this.#ids.idFor('data-keys').slice(0, 6),
    });
  }

  /** Every record the data creates, children (later tables) first: the order they are deleted in. */
  records(tables: ReadonlyMap<string, TableEntry>): CreatedRecord[] {
    const out: CreatedRecord[] = [];
    for (const [table, count] of Object.entries(this.#scenario.data)) {
      const set = tables.get(table)?.entitySetName;
      if (set === undefined) continue;
      for (let i = 0; i < count; i++) out.push({ set, id: this.#ids.idFor(`data:${table}:${i}`) });
    }
    return out.reverse();
  }

  /** Creates every record, table by table (a table's lookups bind to tables created before it). */
  async create(): Promise<void> {
    const columns = this.#columnsRead();
    await this.#sendByTable(this.#bodies(), 'data', this.size, (b) => {
      this.#fixtureIds.add(b.id);
      const row: Row = { [b.primaryKey]: b.id };
      for (const c of columns.get(b.table) ?? []) row[c] = b.values[c];
      let list = this.#rows.get(b.table);
      if (list === undefined) this.#rows.set(b.table, (list = []));
      list.push(row);
    });
  }

  /** Ids of the data's records that a repetition's plan changed or deleted. */
  consumedBy(ops: readonly PlannedOperation[]): Set<string> {
    const out = new Set<string>();
    for (const op of ops)
      if ((op.kind === 'update' || op.kind === 'delete') && this.#fixtureIds.has(op.id)) out.add(op.id);
    return out;
  }

  /**
   * Puts back the records in `consumed` with their original values, and the records whose
   * lookups pointed at them (a delete unlinks or cascades to them).
   */
  async restore(consumed: ReadonlySet<string>): Promise<void> {
    if (consumed.size === 0) return;
    const affected = (b: SeedBody): boolean =>
      consumed.has(b.id) ||
      Object.entries(b.body).some(([k, v]) => k.endsWith('@odata.bind') && consumed.has(String(v).slice(-37, -1)));
    const wanted: SeedBody[] = [];
    for (const b of this.#bodies()) if (affected(b)) wanted.push(b);
    await this.#sendByTable(wanted.values(), 'restore', wanted.length, () => undefined);
  }

  /** The data's rows for one of the planner's needs; a filtered need asks the org which of them match. */
  async rows(need: ReturnType<typeof rowsNeeded>[number], t: TableEntry): Promise<Row[]> {
    const all = this.#rows.get(need.table) ?? [];
    if (need.filter === undefined) return all;
    const matching = new Set<string>();
    const filter = encodeURIComponent(need.filter);
    for await (const page of this.#client.queryPages(`${t.entitySetName}?$select=${t.primaryKey}&$filter=${filter}`, {
      maxPageSize: MAX_PAGE_SIZE,
    })) {
      this.#totals.requests += page.attempts;
      if (page.status !== 200)
        throw errorCatalogue.DVB_ERR_SETUP(
          `reading ` +
            `${t.entitySetName} with the filter ` +
            `${need.filter} to plan the work failed: HTTP ${page.status} ${page.error?.message ?? ''}`,
        );
      for (const r of (JSON.parse(page.text) as { value: Row[] }).value) matching.add(String(r[t.primaryKey]));
    }
    return all.filter((r) => matching.has(String(r[t.primaryKey])));
  }

  /** The columns the planner reads of each table beside its primary key (an upsert's key, say). */
  #columnsRead(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const need of rowsNeeded(this.#scenario))
      out.set(need.table, [...new Set([...(out.get(need.table) ?? []), ...need.columns])]);
    return out;
  }

  /**
   * Sends bodies as bulk messages of FIXTURE_CHUNK records, IN_FLIGHT at once within a table, one table
   * after the other. `each` sees every body as its message is built.
   */
  async #sendByTable(
    bodies: Iterator<SeedBody>,
    step: 'data' | 'restore',
    total: number,
    each: (b: SeedBody) => void,
  ): Promise<void> {
    const started = performance.now();
    let table: string | undefined;
    let chunk: SeedBody[] = [];
    let sent = 0;
    let pending: Promise<void>[] = [];
    const flush = async (): Promise<void> => {
      if (chunk.length === 0) return;
      const batch = chunk;
      chunk = [];
      pending.push(
        this.#send(batch, step).then(() => {
          sent += batch.length;
          this.#onProgress({ step, done: sent, total });
        }),
      );
      if (pending.length >= IN_FLIGHT) {
        await Promise.all(pending);
        pending = [];
      }
    };
    for (let next = bodies.next(); next.done !== true; next = bodies.next()) {
      const b = next.value;
      if (table !== undefined && b.table !== table) {
        await flush();
        await Promise.all(pending);
        pending = [];
      }
      table = b.table;
      each(b);
      chunk.push(b);
      if (chunk.length === FIXTURE_CHUNK) await flush();
    }
    await flush();
    await Promise.all(pending);
    this.#totals.ms += performance.now() - started;
    this.#totals.created += sent;
  }

  async #send(bodies: readonly SeedBody[], step: 'data' | 'restore'): Promise<void> {
    const first = bodies[0];
    if (first === undefined) return;
    const records = bodies.map((b) => b.body);
    const request: BulkRequest =
      step === 'data'
        ? createMultiple(first.entitySetName, first.table, records)
        : upsertMultiple(first.entitySetName, first.table, records);
    // Client-chosen keys make a resent CreateMultiple safe: it meets its own records.
    const res = await this.#client.bulk(request, { idempotent: true });
    this.#totals.requests += res.attempts;
    if (res.status >= 300)
      throw errorCatalogue.DVB_ERR_SETUP(
        `${step === 'data' ? 'creating' : 'restoring'} the scenario's data in the org failed: ${request.path} with ` +
          `${bodies.length} ${first.table} record(s) answered HTTP ` +
          `${res.status}${res.error === undefined ? '' : ` (${res.error.message})`}`,
      );
  }
}
