import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkColumns, checkQuery, tableDirectory } from '../../mock-server/index.js';
import { expandStrategies } from '../strategies/expandStrategies.js';
import { descriptorOf } from '../strategies/descriptorOf.js';
import { strategyKinds } from '../strategies/strategyKinds.js';
import type { LoadOptions } from './loadScenario.js';
import { CHANGING_KINDS, ownRecordsBefore } from './ownRecords.js';
import { rampsOf, totalArrivals } from './arrivalSchedule.js';
import { MAX_PLANNED_OPERATIONS, MAX_SEEDED_RECORDS, type Scenario } from './scenarioSchema.js';

/** Every rule beyond the schema's, each as a path and what it asks for. */
export function ruleProblems(scenario: Scenario, path: string, options: LoadOptions): Problem[] {
  return [
    ...crossFieldProblems(scenario, options.checkNames !== false),
    ...targetDataProblems(scenario, options.target ?? (scenario.target === 'mock' ? 'mock' : 'org')),
    ...scriptProblems(scenario, path),
    ...loadProblems(scenario),
  ];
}

/** Workloads a load test can repeat for as long as it runs: deletes and units cannot be repeated. */
const LOAD_KINDS = new Set(['read', 'update', 'insert', 'upsert', 'script']);

/** A scenario is a benchmark (strategies) or a load test (load), and a load test's mix names its workloads. */
function loadProblems(scenario: Scenario): Problem[] {
  const { load } = scenario;
  if (load === undefined)
    return scenario.strategies.length === 0
      ? [[['strategies'], 'list at least one strategy (or give a load section for a load test)']]
      : [];
  const problems: Problem[] = [];
  if (scenario.phases)
    problems.push([
      ['phases'],
      'a load test runs its workloads as a mix for its whole length; phases are for a benchmark',
    ]);
  if (scenario.strategies.length > 0)
    problems.push([
      ['load'],
      'a scenario is a benchmark (strategies) or a load test (load), not both: put them in two files',
    ]);
  const names = scenario.workloads.map((w, i) => w.name ?? `workload ${i}`);
  scenario.workloads.forEach((w, i) => {
    if (!LOAD_KINDS.has(w.kind))
      problems.push([
        ['workloads', i, 'kind'],
        `a load test repeats its workloads for as long as it runs; ${w.kind} cannot be repeated ` +
          `(use read, update, insert, upsert or script)`,
      ]);
  });
  for (const name of Object.keys(load.mix ?? {}))
    if (!names.includes(name))
      problems.push([
        ['load', 'mix', name],
        `no workload is named ${JSON.stringify(name)}; names: ${names.join(', ')}`,
      ]);
  if (load.mix !== undefined && !Object.values(load.mix).some((w) => w > 0))
    problems.push([['load', 'mix'], 'give at least one workload a weight above 0']);
  load.slos.forEach((slo, i) => {
    if (slo.workload !== undefined && !names.includes(slo.workload))
      problems.push([['load', 'slos', i, 'workload'], `no workload is named ${JSON.stringify(slo.workload)}`]);
  });
  if (totalArrivals(rampsOf(load)) === 0)
    problems.push([['load', 'stages'], 'the stages plan no arrival at all (every rate is 0)']);
  return problems;
}

/** Script workloads need their module, and strategies that run operations one by one. */
function scriptProblems(scenario: Scenario, path: string): Problem[] {
  const problems: Problem[] = [];
  const scripts = scenario.workloads.flatMap((w, i) => (w.kind === 'script' ? [{ w, i }] : []));
  if (scripts.length === 0) return problems;
  for (const { w, i } of scripts) {
    const file = resolve(dirname(path), w.module);
    if (!existsSync(file)) problems.push([['workloads', i, 'module'], `file not found: ${file}`]);
    else if (!/\.(m?js|cjs)$/.test(file))
      problems.push([
        ['workloads', i, 'module'],
        'must be a JavaScript module (.js, .mjs or .cjs); compile TypeScript first',
      ]);
  }
  const canRun = strategyKinds.filter((d) => d.runsScripts).map((d) => d.kind);
  scenario.strategies.forEach((s, j) => {
    if (!descriptorOf(s).runsScripts)
      problems.push([
        ['strategies', j],
        `a ${s.kind} strategy cannot run a script workload (your code sends its own requests); ` +
          `use ${canRun.slice(0, -1).join(', ')} or ${canRun.at(-1) ?? ''}`,
      ]);
  });
  return problems;
}

const SLICE_METRICS = new Set(['p50', 'p90', 'p95', 'p99', 'max', 'errors', 'errorRate']);

/** A rule broken: where (a path into the scenario) and what it asks for. */
export type Problem = [PropertyKey[], string];

function operationsOf(w: Scenario['workloads'][number]): number {
  return w.kind === 'transactional' ? w.count * (w.linesPerUnit + 1) : w.count;
}

type ScenarioWorkload = Scenario['workloads'][number];

/** The columns a workload writes, by the key they are given under. */
function writtenColumns(w: ScenarioWorkload): string[] {
  if (w.kind === 'insert' || w.kind === 'upsert' || w.kind === 'mixed') return Object.keys(w.values);
  if (w.kind === 'update') return Object.keys(w.set);
  return [];
}

/**
 * A FetchXML or `$apply` read is the whole query: OData parts beside it, or a retrieve, would be
 * ignored, so they are refused.
 */
function wholeQueryProblems(
  w: Extract<ScenarioWorkload, { kind: 'read' }>,
  i: number,
  scenario: Scenario,
  checkNames: boolean,
): Problem[] {
  const problems: Problem[] = [];
  const whole = w.fetchXml !== undefined ? 'fetchXml' : 'apply';
  for (const key of ['select', 'filter', 'orderBy', 'expand', 'dateRange', 'apply'] as const)
    if (key !== whole && w[key] !== undefined)
      problems.push([['workloads', i, key], `cannot be combined with ${whole}`]);
  if (w.mode === 'retrieve') problems.push([['workloads', i, 'mode'], `a ${whole} read is a query (mode: query)`]);
  const parts = { fetchXml: w.fetchXml, apply: w.apply };
  for (const p of checkQuery(scenario.mock.tables, w.table, parts, checkNames))
    problems.push([['workloads', i, p.option], p.message]);
  return problems;
}

function queryProblems(w: ScenarioWorkload, i: number, scenario: Scenario, checkNames: boolean): Problem[] {
  if (w.kind !== 'read' && w.kind !== 'update' && w.kind !== 'delete') return [];
  if (w.kind === 'read' && (w.fetchXml !== undefined || w.apply !== undefined))
    return wholeQueryProblems(w, i, scenario, checkNames);
  const parts =
    w.kind === 'read'
      ? { select: w.select, filter: w.filter, orderBy: w.orderBy, expand: w.expand }
      : { filter: w.filter };
  return checkQuery(scenario.mock.tables, w.table, parts, checkNames).map((p): Problem => [
    ['workloads', i, p.option],
    p.message,
  ]);
}

function columnProblems(w: ScenarioWorkload, i: number, scenario: Scenario): Problem[] {
  if (!('table' in w)) return [];
  const lookups = w.kind === 'insert' ? w.lookups : {};
  return checkColumns(scenario.mock.tables, w.table, writtenColumns(w), lookups).map((p): Problem => {
    const [name = ''] = p.split(':');
    const key = w.kind === 'update' ? 'set' : Object.hasOwn(lookups, name) ? 'lookups' : 'values';
    return [['workloads', i, key, name], p.slice(name.length + 2)];
  });
}

function upsertKeyProblems(w: ScenarioWorkload, i: number, scenario: Scenario): Problem[] {
  if (w.kind !== 'upsert') return [];
  const keys = tableDirectory(scenario.mock.tables).get(w.table)?.alternateKeys ?? [];
  if (keys.some((k) => k.length === 1 && k[0] === w.key)) return [];
  const single = keys.filter((k) => k.length === 1).map((k) => k[0]);
  return [
    [
      ['workloads', i, 'key'],
      `'${w.key}' is not an alternate key of ${w.table} (its single-column keys: ${single.join(', ') || 'none'})`,
    ],
  ];
}

/** Queries and column names, checked as the mock would answer them: a typo fails here, not as 30 failed operations. */
function workloadNameProblems(scenario: Scenario, checkNames: boolean): Problem[] {
  return scenario.workloads.flatMap((w, i) => [
    ...queryProblems(w, i, scenario, checkNames),
    ...(checkNames ? [...columnProblems(w, i, scenario), ...upsertKeyProblems(w, i, scenario)] : []),
  ]);
}

function limitProblems(scenario: Scenario): Problem[] {
  const problems: Problem[] = [];
  const planned = scenario.workloads.reduce((a, w) => a + operationsOf(w), 0);
  if (planned > MAX_PLANNED_OPERATIONS)
    problems.push([
      ['workloads'],
      `the workloads plan ${planned} operations; at most ${MAX_PLANNED_OPERATIONS} per scenario ` +
        `(split the job into several scenarios or shards)`,
    ]);
  const seeded = Object.values(scenario.data).reduce((a, n) => a + n, 0);
  if (seeded > MAX_SEEDED_RECORDS)
    problems.push([
      ['data'],
      `${seeded} records to seed; at most ${MAX_SEEDED_RECORDS} in all (the mock's memory bound)`,
    ]);
  scenario.strategies.forEach((s, i) => {
    // Each kind's own rules, through its descriptor (batch and bulk sizes against Dataverse's limit).
    for (const [path, message] of descriptorOf(s).validate?.(s) ?? [])
      problems.push([['strategies', i, ...path], message]);
  });
  return problems;
}

function thresholdProblems(scenario: Scenario): Problem[] {
  const problems: Problem[] = [];
  const names = expandStrategies(scenario.strategies).map((s) => s.name);
  scenario.thresholds.forEach((t, i) => {
    if (!names.includes(t.strategy))
      problems.push([
        ['thresholds', i, 'strategy'],
        `no strategy '${t.strategy}' in this scenario (it has ${names.join(', ')})`,
      ]);
    if ((t.workload !== undefined || t.requestKind !== undefined) && !SLICE_METRICS.has(t.metric)) {
      problems.push([
        ['thresholds', i, 'metric'],
        `per workload or request kind, the metric must be one of ${[...SLICE_METRICS].join(', ')}`,
      ]);
    }
    if (typeof t.workload === 'number' && t.workload >= scenario.workloads.length)
      problems.push([
        ['thresholds', i, 'workload'],
        `no workload ${t.workload} (there are ${scenario.workloads.length}, from 0)`,
      ]);
    if (typeof t.workload === 'string' && !scenario.workloads.some((w) => w.name === t.workload)) {
      problems.push([
        ['thresholds', i, 'workload'],
        `no workload named '${t.workload}' (named: ` +
          `${scenario.workloads.flatMap((w) => (w.name === undefined ? [] : [w.name])).join(', ') || 'none; give workloads a name, or use their index'})`,
      ]);
    }
  });
  return problems;
}

/** Updates and deletes take each of the run's own records once, on every target. */
function seededDataProblems(w: ScenarioWorkload, i: number, scenario: Scenario): Problem[] {
  if (w.kind !== 'delete' && w.kind !== 'update') return [];
  const own = ownRecordsBefore(scenario, i, w.table);
  if (w.count <= own) return [];
  const earlier = scenario.phases ? ' plus the records earlier phases insert' : '';
  if (own === 0)
    return [
      [
        ['workloads', i, 'table'],
        `${w.kind === 'update' ? 'an' : 'a'} ${w.kind} workload needs records of the run's own: add data.${w.table}`,
      ],
    ];
  return [
    [
      ['workloads', i, 'count'],
      `${w.count} ${w.kind}s need as many records, but data.` +
        `${w.table}${earlier} is ${own} (each record is ${w.kind}d once)`,
    ],
  ];
}

/**
 * The rules that depend on the target. On the mock every record comes from data:. On an org a
 * read by id or a lookup may use the org's own records, but a workload that changes records
 * gets only the records the run created from data:, never the org's.
 */
function targetDataProblems(scenario: Scenario, target: 'mock' | 'org' | 'unknown'): Problem[] {
  return scenario.workloads.flatMap((w, i): Problem[] => {
    const has = (table: string): boolean => ownRecordsBefore(scenario, i, table) > 0;
    if (target === 'org' && 'table' in w && CHANGING_KINDS.has(w.kind) && !has(w.table))
      return [
        [
          ['workloads', i, 'table'],
          `against an org, ` +
            `${w.kind} works only on records the run creates itself: add data.${w.table} (created before ` +
            `the run, deleted after it)`,
        ],
      ];
    if (target !== 'mock') return [];
    if (w.kind === 'read' && w.mode === 'retrieve' && !has(w.table))
      return [[['workloads', i, 'table'], `a read workload needs records on the mock: add data.${w.table}`]];
    if (w.kind !== 'insert') return [];
    return Object.entries(w.lookups)
      .filter(([, table]) => !has(table))
      .map(([nav, table]): Problem => [
        ['workloads', i, 'lookups', nav],
        `binds to '${table}' records, and the mock has only those of data:; add data.${table}`,
      ]);
  });
}

function crossFieldProblems(scenario: Scenario, checkNames: boolean): Problem[] {
  const problems: Problem[] = [];
  const tables = new Set(tableDirectory(scenario.mock.tables).keys());
  const tableList = [...tables].join(', ');
  for (const table of Object.keys(scenario.data))
    if (!tables.has(table))
      problems.push([['data', table], `no table '${table}' (tables: ${tableList}; add others under mock.tables)`]);
  scenario.workloads.forEach((w, i) => {
    if ('table' in w && !tables.has(w.table)) {
      problems.push([
        ['workloads', i, 'table'],
        `no table '${w.table}' (tables: ${tableList}; add others under mock.tables)`,
      ]);
      return;
    }
    if ('table' in w) problems.push(...seededDataProblems(w, i, scenario));
    if (w.kind === 'mixed' && w.weights.read + w.weights.update + w.weights.insert + w.weights.delete === 0)
      problems.push([['workloads', i, 'weights'], 'at least one weight must be above 0']);
  });
  return [
    ...problems,
    ...workloadNameProblems(scenario, checkNames),
    ...limitProblems(scenario),
    ...thresholdProblems(scenario),
  ];
}
