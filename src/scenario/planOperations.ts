import { createPrng, hashSeed, type Prng, type TableEntry } from '../../mock-server/index.js';
import type { PlannedOperation } from './PlannedOperation.js';
import type { Scenario, Workload } from './scenarioSchema.js';
import { errorCatalogue } from '../errors/errorCatalogue.js';

/** Seeded rows the planner may use, fetched from the target after seeding, by `table|filter`. */
export type SeededRows = ReadonlyMap<string, readonly Readonly<Record<string, unknown>>[]>;

export function seededRowsKey(table: string, filter: string | undefined): string {
  return `${table}|${filter ?? ''}`;
}

const DATE_FILTERS: Record<string, string> = {
  today: "Microsoft.Dynamics.CRM.Today(PropertyName='createdon')",
  yesterday: "Microsoft.Dynamics.CRM.Yesterday(PropertyName='createdon')",
  thisMonth: "Microsoft.Dynamics.CRM.ThisMonth(PropertyName='createdon')",
  lastMonth: "Microsoft.Dynamics.CRM.LastMonth(PropertyName='createdon')",
  thisYear: "Microsoft.Dynamics.CRM.ThisYear(PropertyName='createdon')",
  last7Days: "Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=7)",
  last30Days: "Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=30)",
};

function fill(
  values: Readonly<Record<string, string | number | boolean | null>>,
  i: number,
  seed: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values))
    out[k] = typeof v === 'string' ? v.replaceAll('{i}', String(i)).replaceAll('{seed}', String(seed)) : v;
  return out;
}

function shuffled<T>(items: readonly T[], prng: Prng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(prng.next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Which (table, filter) row sets the planner needs, so the runner can fetch them after seeding. */
export function rowsNeeded(scenario: Scenario): { table: string; filter: string | undefined; columns: string[] }[] {
  const out = new Map<string, { table: string; filter: string | undefined; columns: string[] }>();
  const add = (table: string, filter: string | undefined, columns: string[] = []): void => {
    const key = seededRowsKey(table, filter);
    const entry = out.get(key) ?? { table, filter, columns: [] };
    for (const c of columns) if (!entry.columns.includes(c)) entry.columns.push(c);
    out.set(key, entry);
  };
  for (const w of scenario.workloads) {
    if (w.kind === 'update' || w.kind === 'delete') add(w.table, w.filter);
    if (w.kind === 'read' && w.mode === 'retrieve') add(w.table, undefined);
    if (w.kind === 'mixed') add(w.table, undefined);
    if (w.kind === 'upsert') add(w.table, undefined, [w.key]);
    if (w.kind === 'insert') for (const target of Object.values(w.lookups)) add(target, undefined);
    if (w.kind === 'transactional' && (scenario.data.account ?? 0) > 0) add('account', undefined);
  }
  return [...out.values()];
}

/**
 * Plans every operation of a scenario, deterministically from its seed and the seeded rows:
 * the same inputs give the same list, so every strategy runs exactly the same work. Records
 * updated or deleted are drawn without replacement and never shared between workloads, so the
 * result does not depend on the order operations run in.
 */
export function planOperations(
  scenario: Scenario,
  tables: ReadonlyMap<string, TableEntry>,
  rows: SeededRows,
): PlannedOperation[] {
  const used = new Map<string, Set<string>>();
  const deleted = new Map<string, Set<string>>();
  const planned = new Map<number, PlannedOperation[]>();
  // Deletes first, so no read or update is planned on a record another workload deletes:
  // otherwise the outcome would depend on the order operations happen to run in.
  const rank = (w: Workload): number => (w.kind === 'delete' ? 0 : w.kind === 'mixed' ? 1 : 2);
  const order = scenario.workloads.map((w, i) => [w, i] as const).sort(([a], [b]) => rank(a) - rank(b));
  for (const [workload, index] of order) {
    const prng = createPrng(hashSeed(scenario.seed, 'plan', index));
    const ops = planWorkload(workload, index, scenario.seed, prng, tables, rows, used, deleted);
    for (const op of ops) {
      if (op.kind !== 'delete') continue;
      let set = deleted.get(op.table);
      if (set === undefined) deleted.set(op.table, (set = new Set()));
      set.add(op.id);
    }
    planned.set(index, ops);
  }
  const all = scenario.workloads.flatMap((_, i) => planned.get(i) ?? []);
  // Interleave the workloads, as a real job's mix would arrive.
  return scenario.workloads.length > 1 ? shuffled(all, createPrng(hashSeed(scenario.seed, 'interleave'))) : all;
}

/** A random existing record; an empty pool is a clear error, not an undefined id. */
function pickFrom(
  pool: readonly Readonly<Record<string, unknown>>[],
  table: string,
  prng: Prng,
): Readonly<Record<string, unknown>> {
  if (pool.length === 0)
    throw errorCatalogue.DVB_ERR_SCENARIO_INVALID(
      `the plan needs existing ${table} records to read or bind to, and the target has none`,
    );
  return prng.pick(pool);
}

function entry(tables: ReadonlyMap<string, TableEntry>, table: string): TableEntry {
  const t = tables.get(table);
  if (t === undefined) throw new Error(`unknown table '${table}'`);
  return t;
}

function takeFresh(
  rows: readonly Readonly<Record<string, unknown>>[],
  pk: string,
  count: number,
  used: Set<string>,
  prng: Prng,
): string[] {
  const ids = shuffled(
    rows.map((r) => String(r[pk])),
    prng,
  ).filter((id) => !used.has(id));
  const picked = ids.slice(0, count);
  for (const id of picked) used.add(id);
  return picked;
}

function planWorkload(
  w: Workload,
  workload: number,
  seed: number,
  prng: Prng,
  tables: ReadonlyMap<string, TableEntry>,
  rows: SeededRows,
  used: Map<string, Set<string>>,
  deleted: ReadonlyMap<string, ReadonlySet<string>>,
): PlannedOperation[] {
  const readable = (table: string, pk: string): readonly Readonly<Record<string, unknown>>[] => {
    const gone = deleted.get(table);
    const pool = rows.get(seededRowsKey(table, undefined)) ?? [];
    return gone === undefined ? pool : pool.filter((r) => !gone.has(String(r[pk])));
  };
  const ops: PlannedOperation[] = [];
  const usedFor = (table: string): Set<string> => {
    let set = used.get(table);
    if (set === undefined) used.set(table, (set = new Set()));
    return set;
  };
  switch (w.kind) {
    case 'read': {
      const t = entry(tables, w.table);
      const select = w.select === undefined ? '' : `$select=${w.select.join(',')}`;
      if (w.mode === 'retrieve') {
        const pool = readable(w.table, t.primaryKey);
        for (let i = 0; i < w.count; i++)
          ops.push({
            kind: 'retrieve',
            workload,
            ops: 1,
            set: t.entitySetName,
            table: w.table,
            id: String(pickFrom(pool, w.table, prng)[t.primaryKey]),
            query: select,
          });
        break;
      }
      const filters = [w.filter, w.dateRange === undefined ? undefined : DATE_FILTERS[w.dateRange]].filter(
        (f): f is string => f !== undefined,
      );
      const parts = [
        select,
        filters.length > 0
          ? `$filter=${encodeURIComponent(filters.map((f) => (filters.length > 1 ? `(${f})` : f)).join(' and '))}`
          : '',
        w.orderBy === undefined ? '' : `$orderby=${encodeURIComponent(w.orderBy)}`,
      ].filter((p) => p !== '');
      const pathAndQuery = `${t.entitySetName}${parts.length > 0 ? `?${parts.join('&')}` : ''}`;
      for (let i = 0; i < w.count; i++)
        ops.push({
          kind: 'query',
          workload,
          ops: 1,
          set: t.entitySetName,
          table: w.table,
          pathAndQuery,
          pageSize: w.pageSize,
          followPaging: w.followPaging,
        });
      break;
    }
    case 'update': {
      const t = entry(tables, w.table);
      const ids = takeFresh(
        rows.get(seededRowsKey(w.table, w.filter)) ?? [],
        t.primaryKey,
        w.count,
        usedFor(w.table),
        prng,
      );
      ids.forEach((id, i) =>
        ops.push({
          kind: 'update',
          workload,
          ops: 1,
          set: t.entitySetName,
          table: w.table,
          primaryKey: t.primaryKey,
          id,
          changes: fill(w.set, i, seed),
        }),
      );
      break;
    }
    case 'delete': {
      const t = entry(tables, w.table);
      const ids = takeFresh(
        rows.get(seededRowsKey(w.table, w.filter)) ?? [],
        t.primaryKey,
        w.count,
        usedFor(w.table),
        prng,
      );
      for (const id of ids) ops.push({ kind: 'delete', workload, ops: 1, set: t.entitySetName, table: w.table, id });
      break;
    }
    case 'insert': {
      const t = entry(tables, w.table);
      for (let i = 0; i < w.count; i++) {
        // A client-chosen key makes the create safe to retry (a duplicate-key answer means it landed).
        const id = prng.uuid();
        const record: Record<string, unknown> = { [t.primaryKey]: id, ...fill(w.values, i, seed) };
        for (const [nav, target] of Object.entries(w.lookups)) {
          const te = entry(tables, target);
          const pool = readable(target, te.primaryKey);
          record[`${nav}@odata.bind`] = `/${te.entitySetName}(${String(pickFrom(pool, target, prng)[te.primaryKey])})`;
        }
        ops.push({ kind: 'create', workload, ops: 1, set: t.entitySetName, table: w.table, id, record });
      }
      break;
    }
    case 'upsert': {
      const t = entry(tables, w.table);
      // Existing keys come from records no other workload deletes or updates, and are then taken.
      const taken = usedFor(w.table);
      const existing = shuffled(
        readable(w.table, t.primaryKey).filter((r) => !taken.has(String(r[t.primaryKey]))),
        prng,
      )
        .slice(0, Math.ceil(w.count / 2))
        .map((r) => {
          taken.add(String(r[t.primaryKey]));
          return r[w.key];
        })
        .filter((v): v is string => typeof v === 'string');
      for (let i = 0; i < w.count; i++) {
        // Half update a seeded record, half create a new one.
        const updatesExisting = i % 2 === 0 && existing.length > i / 2;
        const keyValue = updatesExisting ? (existing[i / 2] ?? '') : `UPS-${seed}-${i}`;
        ops.push({
          kind: 'upsert',
          workload,
          ops: 1,
          set: t.entitySetName,
          table: w.table,
          keyText: `${w.key}='${keyValue.replaceAll("'", "''")}'`,
          record: fill(w.values, i, seed),
          creates: !updatesExisting,
        });
      }
      break;
    }
    case 'transactional': {
      const quote = entry(tables, 'quote');
      const line = entry(tables, 'quotedetail');
      const account = entry(tables, 'account');
      const accounts = readable('account', account.primaryKey);
      for (let i = 0; i < w.count; i++) {
        const shouldFail = prng.next() < w.failureRate;
        const quoteId = prng.uuid();
        const header: Record<string, unknown> = {
          [quote.primaryKey]: quoteId,
          name: `Quote ${seed}-${i}`,
          totalamount: 0,
        };
        if (accounts.length > 0)
          header['customerid_account@odata.bind'] =
            `/${account.entitySetName}(${String(prng.pick(accounts)[account.primaryKey])})`;
        const creates = [{ set: quote.entitySetName, table: 'quote', record: header }];
        for (let l = 0; l < w.linesPerUnit; l++) {
          const invalid = shouldFail && l === w.linesPerUnit - 1;
          creates.push({
            set: line.entitySetName,
            table: 'quotedetail',
            record: {
              [line.primaryKey]: prng.uuid(),
              'quoteid@odata.bind': '$1',
              // 501 characters: one over the column's length, so this line, and the unit, fail.
              productdescription: invalid ? 'x'.repeat(501) : `Line ${l + 1} of quote ${i}`,
              quantity: prng.int(1, 20),
              priceperunit: prng.int(100, 100_000) / 100,
              lineitemnumber: l + 1,
            },
          });
        }
        ops.push({ kind: 'unit', workload, ops: creates.length, id: quoteId, creates, shouldFail });
      }
      break;
    }
    case 'mixed': {
      const t = entry(tables, w.table);
      const pool = readable(w.table, t.primaryKey);
      const fresh = shuffled(
        pool.map((r) => String(r[t.primaryKey])),
        prng,
      ).filter((id) => !usedFor(w.table).has(id));
      const { read, update, insert, delete: del } = w.weights;
      const total = read + update + insert + del;
      const kinds = Array.from({ length: w.count }, (): 'read' | 'update' | 'delete' | 'insert' => {
        let x = prng.next() * total;
        if ((x -= read) < 0) return 'read';
        if ((x -= update) < 0) return 'update';
        if ((x -= del) < 0) return 'delete';
        return 'insert';
      });
      // Records to update and delete are drawn first, so reads never meet a record this mix deletes.
      const take = (): string | undefined => {
        const id = fresh.pop();
        if (id !== undefined) usedFor(w.table).add(id);
        return id;
      };
      const targets = kinds.map((k) => (k === 'update' || k === 'delete' ? take() : undefined));
      const deletedHere = new Set(targets.filter((id, i): id is string => id !== undefined && kinds[i] === 'delete'));
      const readPool = pool.filter((r) => !deletedHere.has(String(r[t.primaryKey])));
      kinds.forEach((k, i) => {
        const id = targets[i];
        if (k === 'read' && readPool.length > 0) {
          ops.push({
            kind: 'retrieve',
            workload,
            ops: 1,
            set: t.entitySetName,
            table: w.table,
            id: String(prng.pick(readPool)[t.primaryKey]),
            query: '',
          });
        } else if (k === 'update' && id !== undefined) {
          ops.push({
            kind: 'update',
            workload,
            ops: 1,
            set: t.entitySetName,
            table: w.table,
            primaryKey: t.primaryKey,
            id,
            changes: { ...fill(w.values, i, seed) },
          });
        } else if (k === 'delete' && id !== undefined) {
          ops.push({ kind: 'delete', workload, ops: 1, set: t.entitySetName, table: w.table, id });
        } else {
          const id = prng.uuid();
          ops.push({
            kind: 'create',
            workload,
            ops: 1,
            set: t.entitySetName,
            table: w.table,
            id,
            record: { [t.primaryKey]: id, ...fill(w.values, i, seed) },
          });
        }
      });
      break;
    }
  }
  return ops;
}
