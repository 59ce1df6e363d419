import type { Scenario } from '../scenario/scenarioSchema.js';

/** The operation kinds a calibration can time on a table, as the mock's latency keys name them. */
export type TableKind = 'read' | 'create' | 'update' | 'upsert' | 'delete';

/** What a scenario asks of its tables: which kinds on which, and what it leaves unknown. */
export interface ScenarioTables {
  /** Kinds by table logical name, in the order the workloads name them. */
  readonly tables: ReadonlyMap<string, ReadonlySet<TableKind>>;
  /** Workloads whose tables cannot be known before they run (scripts). */
  readonly unknown: readonly string[];
}

const BY_WORKLOAD: Readonly<Record<string, TableKind>> = {
  read: 'read',
  update: 'update',
  insert: 'create',
  delete: 'delete',
  upsert: 'upsert',
};

const MIXED: Readonly<Record<string, TableKind>> = {
  read: 'read',
  update: 'update',
  insert: 'create',
  delete: 'delete',
};

/**
 * The tables and kinds a scenario's workloads touch: what `calibrate --scenario` probes. A
 * transactional workload creates quotes and their lines; a mixed one each kind it weighs above
 * zero; a script's tables are its own business, and listed as unknown.
 */
export function scenarioTables(scenario: Scenario): ScenarioTables {
  const tables = new Map<string, Set<TableKind>>();
  const add = (table: string, kind: TableKind): void => {
    const kinds = tables.get(table) ?? new Set<TableKind>();
    kinds.add(kind);
    tables.set(table, kinds);
  };
  const unknown: string[] = [];
  scenario.workloads.forEach((w, i) => {
    if (w.kind === 'script') unknown.push(w.name ?? `workload ${i + 1} (script)`);
    else if (w.kind === 'transactional') {
      add('quote', 'create');
      add('quotedetail', 'create');
    } else if (w.kind === 'mixed') {
      for (const [weight, kind] of Object.entries(MIXED))
        if (w.weights[weight as keyof typeof w.weights] > 0) add(w.table, kind);
    } else {
      const kind = BY_WORKLOAD[w.kind];
      if (kind !== undefined) add(w.table, kind);
    }
  });
  return { tables, unknown };
}
