import type { TableEntry } from '../../mock-server/index.js';
import { createPrng, hashSeed } from '../../util/createPrng.js';
import type { PlannedOperation } from '../operations/PlannedOperation.js';
import type { Scenario, Workload } from './scenarioSchema.js';
import { PlanContext, planWorkload, shuffled } from './workloadPlanners.js';
import { seededRowsKey, type SeededRows } from './seededRows.js';

export { seededRowsKey, type SeededRows } from './seededRows.js';

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
  idOf?: (label: string) => string,
): PlannedOperation[] {
  const used = new Map<string, Set<string>>();
  const deleted = new Map<string, Set<string>>();
  const planned = new Map<number, PlannedOperation[]>();
  // Interleaved, deletes are planned first, so no read or update is planned on a record another
  // workload deletes: otherwise the outcome would depend on the order operations run in. As
  // phases the order is the file's, and what a phase inserts is there for the phases after it.
  const rank = (w: Workload): number => (w.kind === 'delete' ? 0 : w.kind === 'mixed' ? 1 : 2);
  const order = scenario.workloads
    .map((w, i) => [w, i] as const)
    .sort(([a, i], [b, j]) => (scenario.phases ? i - j : rank(a) - rank(b)));
  const available = new Map(rows);
  for (const [workload, index] of order) {
    const prng = createPrng(hashSeed(scenario.seed, 'plan', index));
    const ops = planWorkload(
      workload,
      new PlanContext({ workload: index, seed: scenario.seed, prng, tables, rows: available, used, deleted, idOf }),
    );
    if (scenario.phases) addInserted(available, ops, tables);
    for (const op of ops) {
      if (op.kind !== 'delete') continue;
      let set = deleted.get(op.table);
      if (set === undefined) deleted.set(op.table, (set = new Set()));
      set.add(op.id);
    }
    planned.set(index, ops);
  }
  const all = scenario.workloads.flatMap((_, i) => planned.get(i) ?? []);
  // Interleave the workloads, as a real job's mix would arrive; phases keep their order.
  return scenario.workloads.length > 1 && !scenario.phases
    ? shuffled(all, createPrng(hashSeed(scenario.seed, 'interleave')))
    : all;
}

/** Records a phase inserts join its table's unfiltered rows, for the phases after it. */
function addInserted(
  rows: Map<string, readonly Readonly<Record<string, unknown>>[]>,
  ops: readonly PlannedOperation[],
  tables: ReadonlyMap<string, TableEntry>,
): void {
  const added = new Map<string, Readonly<Record<string, unknown>>[]>();
  for (const op of ops) {
    if (op.kind !== 'create') continue;
    const pk = tables.get(op.table)?.primaryKey ?? `${op.table}id`;
    const key = seededRowsKey(op.table, undefined);
    let list = added.get(key);
    if (list === undefined) added.set(key, (list = [...(rows.get(key) ?? [])]));
    list.push({ ...op.record, [pk]: op.id });
  }
  for (const [key, list] of added) rows.set(key, list);
}
