import type { TableEntry } from '../../mock-server/index.js';
import type { DataverseClient } from '../client/DataverseClient.js';
import type { PlannedOperation } from '../scenario/PlannedOperation.js';

export interface IntegrityReport {
  readonly ok: boolean;
  readonly checked: { readonly creates: number; readonly updates: number; readonly upserts: number; readonly deletes: number; readonly rolledBackUnits: number; readonly tables: number };
  readonly problemCount: number;
  /** The first problems found, each naming the record and what was wrong. */
  readonly problems: readonly string[];
}

const MAX_LISTED = 20;
const CHUNK = 100;

function same(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  if (typeof expected === 'string' && typeof actual === 'string' && /^\d{4}-\d{2}-\d{2}/.test(expected)) return Date.parse(expected) === Date.parse(actual);
  if (typeof expected === 'number' && typeof actual === 'number') return Math.abs(expected - actual) < 1e-9;
  return false;
}

/** Plain column values of a planned body (annotations and binds are checked through existence only). */
function plainColumns(record: Readonly<Record<string, unknown>>): [string, unknown][] {
  return Object.entries(record).filter(([k]) => !k.includes('@'));
}

/**
 * Checks the target's data against the plan after a run: every planned create exists (and
 * only once: table counts match), every update holds its planned values, every upsert too,
 * every planned-to-fail transaction left nothing behind, every delete is gone. Planning gives
 * each record to one operation only, so any difference is a lost, duplicated or corrupted
 * write, not a race between operations.
 */
export async function auditIntegrity(
  client: DataverseClient,
  ops: readonly PlannedOperation[],
  tables: ReadonlyMap<string, TableEntry>,
  counts: { readonly seeded: Readonly<Record<string, number>>; readonly actual: Readonly<Record<string, number>> | null },
): Promise<IntegrityReport> {
  const problems: string[] = [];
  const mustExist = new Map<string, Set<string>>();
  const mustNotExist = new Map<string, Set<string>>();
  const expected: Record<string, number> = { ...counts.seeded };
  const add = (map: Map<string, Set<string>>, table: string, id: string): void => {
    let set = map.get(table);
    if (set === undefined) map.set(table, (set = new Set()));
    set.add(id);
  };
  const checked = { creates: 0, updates: 0, upserts: 0, deletes: 0, rolledBackUnits: 0, tables: 0 };
  const updates: Extract<PlannedOperation, { kind: 'update' }>[] = [];
  const upserts: Extract<PlannedOperation, { kind: 'upsert' }>[] = [];
  for (const op of ops) {
    const pk = (table: string): string => tables.get(table)?.primaryKey ?? `${table}id`;
    if (op.kind === 'create') {
      add(mustExist, op.table, String(op.record[pk(op.table)]));
      expected[op.table] = (expected[op.table] ?? 0) + 1;
      checked.creates++;
    } else if (op.kind === 'unit') {
      for (const c of op.creates) {
        const id = String(c.record[pk(c.table)]);
        if (op.shouldFail) add(mustNotExist, c.table, id);
        else {
          add(mustExist, c.table, id);
          expected[c.table] = (expected[c.table] ?? 0) + 1;
        }
      }
      if (op.shouldFail) checked.rolledBackUnits++;
      else checked.creates += op.creates.length;
    } else if (op.kind === 'delete') {
      add(mustNotExist, op.table, op.id);
      expected[op.table] = (expected[op.table] ?? 0) - 1;
      checked.deletes++;
    } else if (op.kind === 'update') {
      updates.push(op);
    } else if (op.kind === 'upsert') {
      upserts.push(op);
      if (op.creates) expected[op.table] = (expected[op.table] ?? 0) + 1;
    }
  }
  const note = (p: string): void => {
    problems.push(p);
  };
  const fetchExisting = async (table: string, ids: readonly string[], select: readonly string[]): Promise<Map<string, Record<string, unknown>>> => {
    const t = tables.get(table);
    const found = new Map<string, Record<string, unknown>>();
    if (t === undefined) return found;
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const filter = `Microsoft.Dynamics.CRM.In(PropertyName='${t.primaryKey}',PropertyValues=[${chunk.map((id) => `'${id}'`).join(',')}])`;
      const path = `${t.entitySetName}?$select=${[t.primaryKey, ...select].join(',')}&$filter=${encodeURIComponent(filter)}`;
      for await (const page of client.queryPages(path, { maxPageSize: 5000 })) {
        if (page.status !== 200) {
          note(`could not read ${t.entitySetName} to audit it: HTTP ${page.status}`);
          return found;
        }
        for (const row of (JSON.parse(page.text) as { value: Record<string, unknown>[] }).value) found.set(String(row[t.primaryKey]), row);
      }
    }
    return found;
  };
  for (const [table, ids] of mustExist) {
    const found = await fetchExisting(table, [...ids], []);
    for (const id of ids) if (!found.has(id)) note(`lost write: ${table} ${id} was planned (and created) but does not exist`);
  }
  for (const [table, ids] of mustNotExist) {
    const found = await fetchExisting(table, [...ids], []);
    for (const id of ids) if (found.has(id)) note(`${table} ${id} should not exist (deleted, or part of a rolled-back transaction) but does`);
  }
  const byTable = new Map<string, Extract<PlannedOperation, { kind: 'update' }>[]>();
  for (const u of updates) byTable.set(u.table, [...(byTable.get(u.table) ?? []), u]);
  for (const [table, list] of byTable) {
    const columns = [...new Set(list.flatMap((u) => plainColumns(u.changes).map(([k]) => k)))];
    const found = await fetchExisting(table, list.map((u) => u.id), columns);
    for (const u of list) {
      checked.updates++;
      const row = found.get(u.id);
      if (row === undefined) {
        note(`lost update: ${table} ${u.id} does not exist`);
        continue;
      }
      for (const [column, value] of plainColumns(u.changes)) {
        if (!same(value, row[column])) note(`conflict: ${table} ${u.id}.${column} is ${JSON.stringify(row[column])}, the plan set ${JSON.stringify(value)}`);
      }
    }
  }
  for (const u of upserts) {
    checked.upserts++;
    const columns = plainColumns(u.record).map(([k]) => k);
    const res = await client.send('GET', `${u.set}(${u.keyText})${columns.length > 0 ? `?$select=${columns.join(',')}` : ''}`);
    if (res.status !== 200) {
      note(`lost upsert: ${u.table} (${u.keyText}) answered ${res.status}`);
      continue;
    }
    const row = JSON.parse(res.text) as Record<string, unknown>;
    for (const [column, value] of plainColumns(u.record)) if (!same(value, row[column])) note(`conflict: ${u.table} (${u.keyText}).${column} is ${JSON.stringify(row[column])}, the plan set ${JSON.stringify(value)}`);
  }
  if (counts.actual !== null) {
    for (const [table, want] of Object.entries(expected)) {
      checked.tables++;
      const have = counts.actual[table] ?? 0;
      if (have > want) note(`duplicates: ${table} has ${have} records, the plan leaves ${want} (${have - want} more than planned)`);
      else if (have < want) note(`lost writes: ${table} has ${have} records, the plan leaves ${want} (${want - have} missing)`);
    }
  }
  return { ok: problems.length === 0, checked, problemCount: problems.length, problems: problems.slice(0, MAX_LISTED) };
}
