import type { Scenario } from './scenarioSchema.js';

/** Workloads that change the records they are given: against an org, only ever the run's own. */
export const CHANGING_KINDS: ReadonlySet<string> = new Set(['update', 'delete', 'upsert', 'mixed']);

/**
 * How many records of `table` the run itself has when workload `index` starts: its data, and
 * with phases, the records earlier insert phases created. These are the records a workload
 * may change on any target (and the only ones it may change on an org).
 */
export function ownRecordsBefore(scenario: Scenario, index: number, table: string): number {
  const data = scenario.data[table] ?? 0;
  if (!scenario.phases) return data;
  return scenario.workloads
    .slice(0, index)
    .reduce((n, w) => n + (w.kind === 'insert' && w.table === table ? w.count : 0), data);
}
