import { tableDirectory } from '../../mock-server/index.js';
import { expandStrategies, type StrategySpec } from '../scenario/expandStrategies.js';
import type { PlannedOperation } from '../scenario/PlannedOperation.js';
import { planOperations, rowsNeeded, seededRowsKey } from '../scenario/planOperations.js';
import type { Scenario } from '../scenario/scenarioSchema.js';
import { groupForBatch, groupForBulk } from '../strategies/inProcessStrategies.js';

export interface DryRunStrategy {
  readonly name: string;
  /** HTTP requests per repetition (a $batch or bulk request is one). */
  readonly requestsPerRepetition: number;
  /** Requests over warm-up and measured repetitions. */
  readonly requestsTotal: number;
  /** Operations toward the daily API request entitlement (each operation inside a batch counts). */
  readonly entitlementRequests: number;
}

export interface DryRunPlan {
  readonly operations: number;
  readonly byKind: Readonly<Record<string, number>>;
  readonly repetitions: number;
  readonly strategies: readonly DryRunStrategy[];
  /** The per-user request limit per window the estimate is set against. */
  readonly requestLimit: { readonly requests: number; readonly windowSeconds: number };
}

/** Queries read every page: one request per page of the table's seeded size. */
function requestsFor(op: PlannedOperation, data: Readonly<Record<string, number>>): number {
  if (op.kind !== 'query') return 1;
  const records = data[op.table] ?? 0;
  return op.followPaging ? Math.max(1, Math.ceil(records / op.pageSize)) : 1;
}

function requestsPerRepetition(spec: StrategySpec, ops: readonly PlannedOperation[], data: Readonly<Record<string, number>>): number {
  const single = (list: readonly PlannedOperation[]): number => list.reduce((a, op) => a + requestsFor(op, data), 0);
  switch (spec.kind) {
    case 'batch':
      // Pages after the first are fetched outside the batch.
      return groupForBatch(ops, spec.size).length + ops.reduce((a, op) => a + requestsFor(op, data) - 1, 0);
    case 'bulk': {
      const { groups, singles } = groupForBulk(ops, spec.size);
      return groups.length + single(singles);
    }
    default:
      return single(ops);
  }
}

/**
 * What a run would send, without sending anything: the plan is made from stand-in records
 * (the counts in `data:`), which gives the same operations and requests as the real data.
 */
export function dryRun(scenario: Scenario): DryRunPlan {
  const tables = tableDirectory(scenario.mock.tables);
  const rows = new Map<string, Record<string, unknown>[]>();
  for (const need of rowsNeeded(scenario)) {
    const t = tables.get(need.table);
    if (t === undefined) continue;
    const n = scenario.data[need.table] ?? 0;
    rows.set(
      seededRowsKey(need.table, need.filter),
      Array.from({ length: n }, (_, i) => ({ [t.primaryKey]: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, ...Object.fromEntries(need.columns.map((c) => [c, `KEY-${i}`])) })),
    );
  }
  const ops = planOperations(scenario, tables, rows);
  const operations = ops.reduce((a, op) => a + op.ops, 0);
  const byKind: Record<string, number> = {};
  for (const op of ops) byKind[op.kind] = (byKind[op.kind] ?? 0) + op.ops;
  const repetitions = scenario.warmup + scenario.repetitions;
  const strategies = expandStrategies(scenario.strategies).map((spec) => {
    const perRep = requestsPerRepetition(spec, ops, scenario.data);
    return { name: spec.name, requestsPerRepetition: perRep, requestsTotal: perRep * repetitions, entitlementRequests: operations * repetitions };
  });
  return { operations, byKind, repetitions, strategies, requestLimit: { requests: scenario.mock.limits.requestsPerWindow, windowSeconds: scenario.mock.limits.windowSeconds } };
}

/** The printed estimate. */
export function formatDryRun(name: string, plan: DryRunPlan, targetIsOrg: boolean): string {
  const lines = [
    `dry run of ${name}: nothing is sent`,
    `${plan.operations} operations per repetition (${Object.entries(plan.byKind).map(([k, n]) => `${n} ${k}`).join(', ')}), ${plan.repetitions} repetitions each (warm-up included)`,
    '',
    'strategy            requests/rep  requests total  of the 5-min request limit  toward daily entitlement',
  ];
  for (const s of plan.strategies) {
    const share = (s.requestsPerRepetition / plan.requestLimit.requests) * 100;
    lines.push(`${s.name.padEnd(18)}  ${String(s.requestsPerRepetition).padStart(12)}  ${String(s.requestsTotal).padStart(14)}  ${`${share.toFixed(1)}% per repetition`.padStart(26)}  ${String(s.entitlementRequests).padStart(24)}`);
  }
  const total = plan.strategies.reduce((a, s) => a + s.entitlementRequests, 0);
  lines.push(
    '',
    'Queries are counted at the pages the seeded data fills; writes into the same table during the run add pages.',
    `The request limit is ${plan.requestLimit.requests} per user per ${plan.requestLimit.windowSeconds} s: a strategy whose repetition exceeds it within that time will meet 429s unless the load is spread over several application users.`,
    `In all, ${total} API requests count toward the daily Power Platform request entitlement of the user(s) (every operation inside a $batch or bulk message counts); for example a Dynamics 365 Enterprise licence carries 40,000 per user per 24 hours.${targetIsOrg ? '' : ' (The target is the mock: nothing would be charged.)'}`,
  );
  return `${lines.join('\n')}\n`;
}
