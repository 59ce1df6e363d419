import type { TableEntry } from '../../mock-server/index.js';
import type { DataverseClient } from '../client/DataverseClient.js';
import { runScriptChecks } from './runScriptChecks.js';
import type { PlannedOperation } from '../operations/PlannedOperation.js';
import { MAX_PAGE_SIZE } from '../scenario/scenarioSchema.js';

export interface IntegrityReport {
  readonly ok: boolean;
  readonly checked: {
    readonly creates: number;
    readonly updates: number;
    readonly upserts: number;
    readonly deletes: number;
    readonly rolledBackUnits: number;
    readonly tables: number;
  };
  readonly problemCount: number;
  /** The first problems found, each naming the record and what was wrong. */
  readonly problems: readonly string[];
}

/** Every id per table, before and after a repetition (mock only: an org's other users change its tables). */
interface IdSnapshot {
  readonly before: ReadonlyMap<string, ReadonlySet<string>>;
  readonly after: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface AuditInput {
  /** Records of operations the client saw fail: not lost writes, whatever became of them. */
  readonly failed: ReadonlySet<string>;
  readonly ids: IdSnapshot | null;
}

const MAX_LISTED = 20;
const CHUNK = 100;

function same(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  if (typeof expected === 'string' && typeof actual === 'string' && /^\d{4}-\d{2}-\d{2}/.test(expected))
    return Date.parse(expected) === Date.parse(actual);
  if (typeof expected === 'number' && typeof actual === 'number') return Math.abs(expected - actual) < 1e-9;
  return false;
}

/** Plain column values of a planned body (annotations and binds are checked through existence only). */
function plainColumns(record: Readonly<Record<string, unknown>>): [string, unknown][] {
  return Object.entries(record).filter(([k]) => !k.includes('@'));
}

/** The tables a plan creates records in or deletes from: the ones whose ids the audit compares. */
export function writtenTables(ops: readonly PlannedOperation[]): string[] {
  const out = new Set<string>();
  for (const op of ops) {
    if (op.kind === 'create' || op.kind === 'delete' || op.kind === 'upsert') out.add(op.table);
    if (op.kind === 'unit') for (const c of op.creates) out.add(c.table);
  }
  return [...out];
}

/** Every primary key of each table, read page by page. */
export async function idsOfTables(
  client: DataverseClient,
  tables: ReadonlyMap<string, TableEntry>,
  names: readonly string[],
): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const name of names) {
    const t = tables.get(name);
    if (t === undefined) continue;
    const ids = new Set<string>();
    for await (const page of client.queryPages(`${t.entitySetName}?$select=${t.primaryKey}`, {
      maxPageSize: MAX_PAGE_SIZE,
    })) {
      if (page.status !== 200) break;
      for (const row of (JSON.parse(page.text) as { value: Record<string, unknown>[] }).value)
        ids.add(String(row[t.primaryKey]));
    }
    out.set(name, ids);
  }
  return out;
}

class Expectations {
  readonly mustExist = new Map<string, Set<string>>();
  readonly mustNotExist = new Map<string, Set<string>>();
  readonly updates: Extract<PlannedOperation, { kind: 'update' }>[] = [];
  readonly upserts: Extract<PlannedOperation, { kind: 'upsert' }>[] = [];
  readonly checked = { creates: 0, updates: 0, upserts: 0, deletes: 0, rolledBackUnits: 0, tables: 0 };

  static add(map: Map<string, Set<string>>, table: string, id: string): void {
    let set = map.get(table);
    if (set === undefined) map.set(table, (set = new Set()));
    set.add(id);
  }

  constructor(ops: readonly PlannedOperation[], pk: (table: string) => string, failed: ReadonlySet<string>) {
    for (const op of ops) {
      // What the client saw fail is counted as failed already; whatever became of it is not a lost write.
      const saidFailed =
        op.kind !== 'query' &&
        op.kind !== 'retrieve' &&
        op.kind !== 'upsert' &&
        op.kind !== 'script' &&
        failed.has(op.id);
      if (op.kind === 'unit') this.#unit(op, pk, saidFailed);
      else if (op.kind === 'create' || op.kind === 'delete') this.#createOrDelete(op, saidFailed);
      else if (op.kind === 'update') {
        if (!saidFailed) this.updates.push(op);
      } else if (op.kind === 'upsert') {
        if (!failed.has(`${op.set}(${op.keyText})`)) this.upserts.push(op);
      }
    }
  }

  #createOrDelete(op: Extract<PlannedOperation, { kind: 'create' | 'delete' }>, saidFailed: boolean): void {
    const created = op.kind === 'create';
    // In phases a later phase may delete what an earlier one created: the plan's order decides.
    if (!created) this.mustExist.get(op.table)?.delete(op.id);
    if (!saidFailed) Expectations.add(created ? this.mustExist : this.mustNotExist, op.table, op.id);
    if (created) this.checked.creates++;
    else this.checked.deletes++;
  }

  #unit(op: Extract<PlannedOperation, { kind: 'unit' }>, pk: (table: string) => string, saidFailed: boolean): void {
    for (const c of op.creates) {
      const id = String(c.record[pk(c.table)]);
      if (op.shouldFail) Expectations.add(this.mustNotExist, c.table, id);
      else if (!saidFailed) Expectations.add(this.mustExist, c.table, id);
    }
    if (op.shouldFail) this.checked.rolledBackUnits++;
    else this.checked.creates += op.creates.length;
  }
}

/**
 * Checks the target's data against the plan after a run: every planned create exists, every
 * update and upsert holds its planned values, every planned-to-fail transaction left nothing
 * behind, every delete is gone. On the mock it also compares every id of the written tables
 * before and after: a record no planned operation explains is a duplicate (a write kept twice),
 * and a record gone that no delete explains is a lost one. Lost and duplicated writes are
 * counted apart, by id, so one never hides the other. Planning gives each record to one
 * operation only, so any difference is a lost, duplicated or corrupted write, not a race.
 */
export async function auditIntegrity(
  client: DataverseClient,
  ops: readonly PlannedOperation[],
  tables: ReadonlyMap<string, TableEntry>,
  input: AuditInput,
): Promise<IntegrityReport> {
  const audit = new Audit(client, tables);
  const expect = new Expectations(ops, audit.pk, input.failed);
  await audit.existence(expect.mustExist, expect.mustNotExist);
  await audit.updates(expect.updates, expect.checked);
  const upserted = await audit.upserts(expect.upserts, expect.checked);
  if (input.ids !== null)
    compareIds(input.ids, {
      ops,
      upserted,
      pk: audit.pk,
      failed: input.failed,
      checked: expect.checked,
      note: audit.note,
    });
  await runScriptChecks(client, ops, input.failed, audit.note);
  const { problems } = audit;
  return {
    ok: problems.length === 0,
    checked: expect.checked,
    problemCount: problems.length,
    problems: problems.slice(0, MAX_LISTED),
  };
}

/** Reads the target back and notes every difference from what the plan says it must hold. */
class Audit {
  readonly problems: string[] = [];

  constructor(
    private readonly client: DataverseClient,
    private readonly tables: ReadonlyMap<string, TableEntry>,
  ) {}

  readonly note = (p: string): void => {
    this.problems.push(p);
  };

  readonly pk = (table: string): string => this.tables.get(table)?.primaryKey ?? `${table}id`;

  async existence(mustExist: IdsByTable, mustNotExist: IdsByTable): Promise<void> {
    for (const [table, ids] of mustExist) {
      const found = await this.#fetch(table, [...ids], []);
      for (const id of ids)
        if (!found.has(id)) this.note(`lost write: ${table} ${id} was acknowledged as created but does not exist`);
    }
    for (const [table, ids] of mustNotExist) {
      const found = await this.#fetch(table, [...ids], []);
      for (const id of ids)
        if (found.has(id))
          this.note(`${table} ${id} should not exist (deleted, or part of a rolled-back transaction) but does`);
    }
  }

  async updates(updates: readonly UpdateOp[], checked: { updates: number }): Promise<void> {
    const byTable = new Map<string, UpdateOp[]>();
    for (const u of updates) byTable.set(u.table, [...(byTable.get(u.table) ?? []), u]);
    for (const [table, list] of byTable) {
      const columns = [...new Set(list.flatMap((u) => plainColumns(u.changes).map(([k]) => k)))];
      const found = await this.#fetch(
        table,
        list.map((u) => u.id),
        columns,
      );
      for (const u of list) {
        checked.updates++;
        const row = found.get(u.id);
        if (row === undefined) this.note(`lost update: ${table} ${u.id} does not exist`);
        else this.#compare(`${table} ${u.id}`, plainColumns(u.changes), row);
      }
    }
  }

  /** Each upsert read back by its key; returns the ids they landed on, for the id comparison. */
  async upserts(upserts: readonly UpsertOp[], checked: { upserts: number }): Promise<IdsByTable> {
    const upserted: IdsByTable = new Map();
    for (const u of upserts) {
      checked.upserts++;
      const columns = plainColumns(u.record).map(([k]) => k);
      const select = columns.length > 0 ? `?$select=${columns.join(',')}` : '';
      const res = await this.client.send('GET', `${u.set}(${u.keyText})${select}`);
      if (res.status !== 200) {
        this.note(`lost upsert: ${u.table} (${u.keyText}) answered ${res.status}`);
        continue;
      }
      const row = JSON.parse(res.text) as Record<string, unknown>;
      Expectations.add(upserted, u.table, String(row[this.pk(u.table)]));
      this.#compare(`${u.table} (${u.keyText})`, plainColumns(u.record), row);
    }
    return upserted;
  }

  #compare(what: string, planned: readonly (readonly [string, unknown])[], row: Record<string, unknown>): void {
    for (const [column, value] of planned)
      if (!same(value, row[column]))
        this.note(
          `conflict: ${what}.${column} is ${JSON.stringify(row[column])}, the plan set ${JSON.stringify(value)}`,
        );
  }

  async #fetch(table: string, ids: readonly string[], select: readonly string[]): Promise<Map<string, Row>> {
    const t = this.tables.get(table);
    const found = new Map<string, Row>();
    if (t === undefined) return found;
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const filter =
        `Microsoft.Dynamics.CRM.In(PropertyName='` +
        `${t.primaryKey}',PropertyValues=[${chunk.map((id) => `'${id}'`).join(',')}])`;
      const path = `${t.entitySetName}?$select=${[t.primaryKey, ...select].join(',')}&$filter=${encodeURIComponent(filter)}`;
      for await (const page of this.client.queryPages(path, { maxPageSize: MAX_PAGE_SIZE })) {
        if (page.status !== 200) {
          const why = page.error === undefined ? '' : ` ${page.error.message}`;
          this.note(`could not read ${t.entitySetName} to audit it: HTTP ${page.status}${why}`);
          return found;
        }
        for (const row of (JSON.parse(page.text) as { value: Row[] }).value) found.set(String(row[t.primaryKey]), row);
      }
    }
    return found;
  }
}

type Row = Record<string, unknown>;
type IdsByTable = Map<string, Set<string>>;
type UpdateOp = Extract<PlannedOperation, { kind: 'update' }>;
type UpsertOp = Extract<PlannedOperation, { kind: 'upsert' }>;

/**
 * Every record after the run that no plan explains is a duplicate; every record gone that no delete
 * explains is lost.
 */
/** What the id comparison is told: what the run planned, upserted and saw fail, and where it reports. */
interface IdComparison {
  readonly ops: readonly PlannedOperation[];
  readonly upserted: ReadonlyMap<string, ReadonlySet<string>>;
  readonly pk: (table: string) => string;
  readonly failed: ReadonlySet<string>;
  readonly checked: { tables: number };
  readonly note: (p: string) => void;
}

function compareIds(ids: IdSnapshot, { ops, upserted, pk, failed, checked, note }: IdComparison): void {
  const planned = new Map<string, Set<string>>();
  const deleted = new Map<string, Set<string>>();
  for (const op of ops) {
    if (op.kind === 'create') Expectations.add(planned, op.table, op.id);
    if (op.kind === 'unit')
      for (const c of op.creates) Expectations.add(planned, c.table, String(c.record[pk(c.table)]));
    if (op.kind === 'delete') Expectations.add(deleted, op.table, op.id);
  }
  for (const [table, after] of ids.after) {
    checked.tables++;
    const before = ids.before.get(table) ?? new Set<string>();
    const extra = [...after].filter(
      (id) => !before.has(id) && planned.get(table)?.has(id) !== true && upserted.get(table)?.has(id) !== true,
    );
    const gone = [...before].filter((id) => !after.has(id) && deleted.get(table)?.has(id) !== true && !failed.has(id));
    if (extra.length > 0)
      note(
        `duplicates: ${table} holds ` +
          `${extra.length} record(s) no planned operation created (e.g. ` +
          `${extra.slice(0, 3).join(', ')}): a write was kept ` +
          `more than once`,
      );
    if (gone.length > 0)
      note(
        `lost records: ${gone.length} ${table} record(s) that no planned delete removed are ` +
          `gone (e.g. ${gone.slice(0, 3).join(', ')})`,
      );
  }
}
