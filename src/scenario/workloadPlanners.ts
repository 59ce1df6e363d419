import { MAX_PAGE_SIZE } from './scenarioSchema.js';
import type { TableEntry } from '../../mock-server/index.js';
import type { Prng } from '../../util/createPrng.js';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import type { PlannedOperation } from '../operations/PlannedOperation.js';
import type { Workload } from './scenarioSchema.js';
import { seededRowsKey, type SeededRows } from './seededRows.js';

type Row = Readonly<Record<string, unknown>>;
type WorkloadOf<K extends Workload['kind']> = Extract<Workload, { kind: K }>;

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

export function shuffled<T>(items: readonly T[], prng: Prng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(prng.next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** What planning one workload may draw on: its seeded PRNG, the seeded rows, and the records other workloads took. */
export interface PlanInputs {
  readonly workload: number;
  readonly seed: number;
  readonly prng: Prng;
  readonly tables: ReadonlyMap<string, TableEntry>;
  readonly rows: SeededRows;
  readonly used: Map<string, Set<string>>;
  readonly deleted: ReadonlyMap<string, ReadonlySet<string>>;
  /** Turns a drawn id into the run's own (see RunIds); the plan's shape never depends on it. */
  readonly idOf?: ((label: string) => string) | undefined;
}

export class PlanContext {
  readonly workload: number;
  readonly seed: number;
  readonly prng: Prng;
  private readonly tables: ReadonlyMap<string, TableEntry>;
  private readonly rows: SeededRows;
  private readonly used: Map<string, Set<string>>;
  private readonly deleted: ReadonlyMap<string, ReadonlySet<string>>;
  private readonly idOf: ((label: string) => string) | undefined;

  constructor(inputs: PlanInputs) {
    ({
      workload: this.workload,
      seed: this.seed,
      prng: this.prng,
      tables: this.tables,
      rows: this.rows,
      used: this.used,
      deleted: this.deleted,
      idOf: this.idOf,
    } = inputs);
  }

  /**
   * A new record's id. The PRNG draws it either way, so the rest of the plan is the same; a run
   * maps it to an id of its own, so two runs of one scenario never create the same record.
   */
  newId(): string {
    const drawn = this.prng.uuid();
    return this.idOf === undefined ? drawn : this.idOf(`plan:${drawn}`);
  }

  /** What makes an upsert's new alternate key this run's own (the seed, or a tag of the run's ids). */
  keyTag(): string {
    return this.idOf === undefined ? String(this.seed) : this.idOf('upsert-keys').slice(0, 8);
  }

  entry(table: string): TableEntry {
    const t = this.tables.get(table);
    if (t === undefined) throw new Error(`unknown table '${table}'`);
    return t;
  }

  /** Seeded records of a table that no other workload deletes. */
  readable(table: string): readonly Row[] {
    const pk = this.entry(table).primaryKey;
    const gone = this.deleted.get(table);
    const pool = this.rows.get(seededRowsKey(table, undefined)) ?? [];
    return gone === undefined ? pool : pool.filter((r) => !gone.has(String(r[pk])));
  }

  /** Ids taken by a workload that changes or deletes them: never given to another. */
  usedFor(table: string): Set<string> {
    let set = this.used.get(table);
    if (set === undefined) this.used.set(table, (set = new Set()));
    return set;
  }

  /** `count` ids matching the filter that no workload has taken, now taken. */
  takeFresh(table: string, filter: string | undefined, count: number): string[] {
    const pk = this.entry(table).primaryKey;
    const used = this.usedFor(table);
    const rows = this.rows.get(seededRowsKey(table, filter)) ?? [];
    const ids = shuffled(
      rows.map((r) => String(r[pk])),
      this.prng,
    ).filter((id) => !used.has(id));
    const picked = ids.slice(0, count);
    for (const id of picked) used.add(id);
    return picked;
  }

  /** A random existing record; an empty pool is a clear error, not an undefined id. */
  pick(pool: readonly Row[], table: string): Row {
    if (pool.length === 0)
      throw errorCatalogue.DVB_ERR_SCENARIO_INVALID(
        `the plan needs existing ${table} records to read or bind to, and the target has none`,
      );
    return this.prng.pick(pool);
  }

  fill(values: Readonly<Record<string, string | number | boolean | null>>, i: number): Record<string, unknown> {
    return fill(values, i, this.seed);
  }
}

function queryString(w: WorkloadOf<'read'>): string {
  if (w.fetchXml !== undefined) return `?fetchXml=${encodeURIComponent(w.fetchXml)}`;
  if (w.apply !== undefined) return `?$apply=${encodeURIComponent(w.apply)}`;
  const filters = [w.filter, w.dateRange === undefined ? undefined : DATE_FILTERS[w.dateRange]].filter(
    (f): f is string => f !== undefined,
  );
  const parts = [
    w.select === undefined ? '' : `$select=${w.select.join(',')}`,
    filters.length > 0
      ? `$filter=${encodeURIComponent(filters.map((f) => (filters.length > 1 ? `(${f})` : f)).join(' and '))}`
      : '',
    w.orderBy === undefined ? '' : `$orderby=${encodeURIComponent(w.orderBy)}`,
    w.expand === undefined ? '' : `$expand=${encodeURIComponent(w.expand)}`,
  ].filter((p) => p !== '');
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

function planRead(w: WorkloadOf<'read'>, ctx: PlanContext): PlannedOperation[] {
  const t = ctx.entry(w.table);
  const { workload } = ctx;
  const base = { workload, ops: 1 as const, set: t.entitySetName, table: w.table };
  if (w.mode === 'retrieve') {
    const pool = ctx.readable(w.table);
    const query = w.select === undefined ? '' : `$select=${w.select.join(',')}`;
    // A plan is never changed, so equal reads share one object: a million retrieves of a
    // thousand records hold a thousand objects, not a million (and threads get them cloned once).
    const byId = new Map<string, PlannedOperation>();
    return Array.from({ length: w.count }, () => {
      const id = String(ctx.pick(pool, w.table)[t.primaryKey]);
      let op = byId.get(id);
      if (op === undefined) byId.set(id, (op = { kind: 'retrieve', ...base, id, query }));
      return op;
    });
  }
  const query: PlannedOperation = {
    kind: 'query',
    ...base,
    pathAndQuery: `${t.entitySetName}${queryString(w)}`,
    // A FetchXML query pages by its own count attribute (the scenario's pageSize does not apply).
    pageSize: w.fetchXml === undefined ? w.pageSize : fetchPageSize(w.fetchXml),
    followPaging: w.followPaging,
  };
  return new Array<PlannedOperation>(w.count).fill(query);
}

function planUpdate(w: WorkloadOf<'update'>, ctx: PlanContext): PlannedOperation[] {
  const t = ctx.entry(w.table);
  return ctx.takeFresh(w.table, w.filter, w.count).map((id, i) => ({
    kind: 'update',
    workload: ctx.workload,
    ops: 1,
    set: t.entitySetName,
    table: w.table,
    primaryKey: t.primaryKey,
    id,
    changes: ctx.fill(w.set, i),
  }));
}

function planDelete(w: WorkloadOf<'delete'>, ctx: PlanContext): PlannedOperation[] {
  const t = ctx.entry(w.table);
  return ctx.takeFresh(w.table, w.filter, w.count).map((id) => ({
    kind: 'delete',
    workload: ctx.workload,
    ops: 1,
    set: t.entitySetName,
    table: w.table,
    id,
  }));
}

function planInsert(w: WorkloadOf<'insert'>, ctx: PlanContext): PlannedOperation[] {
  const t = ctx.entry(w.table);
  return Array.from({ length: w.count }, (_, i) => {
    // A client-chosen key makes the create safe to retry (a duplicate-key answer means it landed).
    const id = ctx.newId();
    const record: Record<string, unknown> = { [t.primaryKey]: id, ...ctx.fill(w.values, i) };
    for (const [nav, target] of Object.entries(w.lookups)) {
      const te = ctx.entry(target);
      record[`${nav}@odata.bind`] =
        `/${te.entitySetName}(${String(ctx.pick(ctx.readable(target), target)[te.primaryKey])})`;
    }
    return { kind: 'create', workload: ctx.workload, ops: 1, set: t.entitySetName, table: w.table, id, record };
  });
}

function planUpsert(w: WorkloadOf<'upsert'>, ctx: PlanContext): PlannedOperation[] {
  const t = ctx.entry(w.table);
  // Existing keys come from records no other workload deletes or updates, and are then taken.
  const taken = ctx.usedFor(w.table);
  const existing = shuffled(
    ctx.readable(w.table).filter((r) => !taken.has(String(r[t.primaryKey]))),
    ctx.prng,
  )
    .slice(0, Math.ceil(w.count / 2))
    .map((r) => {
      taken.add(String(r[t.primaryKey]));
      return r[w.key];
    })
    .filter((v): v is string => typeof v === 'string');
  return Array.from({ length: w.count }, (_, i) => {
    // Half update a seeded record, half create a new one.
    const updatesExisting = i % 2 === 0 && existing.length > i / 2;
    const keyValue = updatesExisting ? (existing[i / 2] ?? '') : `UPS-${ctx.keyTag()}-${i}`;
    return {
      kind: 'upsert',
      workload: ctx.workload,
      ops: 1,
      set: t.entitySetName,
      table: w.table,
      keyText: `${w.key}='${keyValue.replaceAll("'", "''")}'`,
      record: ctx.fill(w.values, i),
      creates: !updatesExisting,
    };
  });
}

function quoteLines(ctx: PlanContext, linesPerUnit: number, i: number, shouldFail: boolean) {
  const line = ctx.entry('quotedetail');
  return Array.from({ length: linesPerUnit }, (_, l) => {
    const invalid = shouldFail && l === linesPerUnit - 1;
    return {
      set: line.entitySetName,
      table: 'quotedetail',
      record: {
        [line.primaryKey]: ctx.newId(),
        'quoteid@odata.bind': '$1',
        // 501 characters: one over the column's length, so this line, and the unit, fail.
        productdescription: invalid ? 'x'.repeat(501) : `Line ${l + 1} of quote ${i}`,
        quantity: ctx.prng.int(1, 20),
        priceperunit: ctx.prng.int(100, 100_000) / 100,
        lineitemnumber: l + 1,
      },
    };
  });
}

function planTransactional(w: WorkloadOf<'transactional'>, ctx: PlanContext): PlannedOperation[] {
  const quote = ctx.entry('quote');
  const account = ctx.entry('account');
  const accounts = ctx.readable('account');
  return Array.from({ length: w.count }, (_, i) => {
    const shouldFail = ctx.prng.next() < w.failureRate;
    const quoteId = ctx.newId();
    const header: Record<string, unknown> = {
      [quote.primaryKey]: quoteId,
      name: `Quote ${ctx.seed}-${i}`,
      totalamount: 0,
    };
    if (accounts.length > 0)
      header['customerid_account@odata.bind'] =
        `/${account.entitySetName}(${String(ctx.prng.pick(accounts)[account.primaryKey])})`;
    const creates = [
      { set: quote.entitySetName, table: 'quote', record: header },
      ...quoteLines(ctx, w.linesPerUnit, i, shouldFail),
    ];
    return { kind: 'unit', workload: ctx.workload, ops: creates.length, id: quoteId, creates, shouldFail };
  });
}

type MixedKind = 'read' | 'update' | 'delete' | 'insert';

function drawMix(w: WorkloadOf<'mixed'>, prng: Prng): MixedKind[] {
  const { read, update, insert, delete: del } = w.weights;
  const total = read + update + insert + del;
  return Array.from({ length: w.count }, (): MixedKind => {
    let x = prng.next() * total;
    if ((x -= read) < 0) return 'read';
    if ((x -= update) < 0) return 'update';
    if ((x -= del) < 0) return 'delete';
    return 'insert';
  });
}

function planMixed(w: WorkloadOf<'mixed'>, ctx: PlanContext): PlannedOperation[] {
  const t = ctx.entry(w.table);
  const pool = ctx.readable(w.table);
  const used = ctx.usedFor(w.table);
  const fresh = shuffled(
    pool.map((r) => String(r[t.primaryKey])),
    ctx.prng,
  ).filter((id) => !used.has(id));
  const kinds = drawMix(w, ctx.prng);
  // Records to update and delete are drawn first, so reads never meet a record this mix deletes.
  const take = (): string | undefined => {
    const id = fresh.pop();
    if (id !== undefined) used.add(id);
    return id;
  };
  const targets = kinds.map((k) => (k === 'update' || k === 'delete' ? take() : undefined));
  const deletedHere = new Set(targets.filter((id, i): id is string => id !== undefined && kinds[i] === 'delete'));
  const readPool = pool.filter((r) => !deletedHere.has(String(r[t.primaryKey])));
  const base = { workload: ctx.workload, ops: 1 as const, set: t.entitySetName, table: w.table };
  return kinds.map((k, i): PlannedOperation => {
    const id = targets[i];
    if (k === 'read' && readPool.length > 0)
      return { kind: 'retrieve', ...base, id: String(ctx.prng.pick(readPool)[t.primaryKey]), query: '' };
    if (k === 'update' && id !== undefined)
      return { kind: 'update', ...base, primaryKey: t.primaryKey, id, changes: { ...ctx.fill(w.values, i) } };
    if (k === 'delete' && id !== undefined) return { kind: 'delete', ...base, id };
    const newId = ctx.newId();
    return { kind: 'create', ...base, id: newId, record: { [t.primaryKey]: newId, ...ctx.fill(w.values, i) } };
  });
}

/** One planner per workload kind; the mapped type makes the compiler ask for a new kind's planner. */
/** Runs of the user's function: nothing to draw, the index is the operation's number. */
function planScript(w: WorkloadOf<'script'>, ctx: PlanContext): PlannedOperation[] {
  return Array.from({ length: w.count }, (_, index) => ({
    kind: 'script',
    workload: ctx.workload,
    ops: 1,
    module: w.module,
    index,
    sends: w.sends,
  }));
}

const planners: { readonly [K in Workload['kind']]: (w: WorkloadOf<K>, ctx: PlanContext) => PlannedOperation[] } = {
  read: planRead,
  update: planUpdate,
  delete: planDelete,
  insert: planInsert,
  upsert: planUpsert,
  transactional: planTransactional,
  mixed: planMixed,
  script: planScript,
};

export function planWorkload(w: Workload, ctx: PlanContext): PlannedOperation[] {
  const planner = planners[w.kind] as (w: Workload, ctx: PlanContext) => PlannedOperation[];
  return planner(w, ctx);
}

/** The page size a `<fetch>` asks for: its `count` attribute, else Dataverse's 5,000. */
function fetchPageSize(fetchXml: string): number {
  const count = /<fetch\b[^>]*?\bcount\s*=\s*["'](\d+)["']/.exec(fetchXml)?.[1];
  return count === undefined ? MAX_PAGE_SIZE : Math.min(MAX_PAGE_SIZE, Math.max(1, Number(count)));
}
