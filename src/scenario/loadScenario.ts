import { readFile } from 'node:fs/promises';
import { isMap, LineCounter, parseDocument, type Node } from 'yaml';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import { deepFreeze, formatIssuePath } from '../../mock-server/index.js';
import { scenarioSchema, type Scenario } from './scenarioSchema.js';
import { expandStrategies } from './expandStrategies.js';

export interface LoadedScenario {
  readonly path: string;
  readonly scenario: Scenario;
}

function locate(doc: ReturnType<typeof parseDocument>, lines: LineCounter, path: readonly PropertyKey[]): string {
  // The deepest node that exists on the path: a missing key is reported where its parent is.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as (string | number)[], true) as Node | undefined;
    const offset = node?.range?.[0];
    if (offset !== undefined) {
      const { line, col } = lines.linePos(offset);
      return `:${line}:${col}`;
    }
  }
  return '';
}


/**
 * Reads a scenario file (YAML or JSON), validates it against the schema and its cross-field
 * rules, and returns it deep-frozen. Every problem is reported as `file:line:col: path: rule`;
 * the error is a usage error (exit 2) and nothing runs.
 */
export async function loadScenario(path: string): Promise<LoadedScenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw errorCatalogue.DVB_ERR_SCENARIO_INVALID(`${path}: ${code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder; give a scenario file' : String(error)}`);
  }
  return parseScenarioText(text, path);
}

export function parseScenarioText(text: string, path: string): LoadedScenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e?.linePos?.[0];
    throw errorCatalogue.DVB_ERR_SCENARIO_INVALID(`${path}${pos === undefined ? '' : `:${pos.line}:${pos.col}`}: not valid YAML or JSON: ${e?.message.split('\n')[0] ?? ''}`);
  }
  if (!isMap(doc.contents)) throw errorCatalogue.DVB_ERR_SCENARIO_INVALID(`${path}: a scenario must be a mapping of keys (name, workloads, strategies, ...)`);
  let data: unknown;
  try {
    // Aliases are resolved here: an unknown one, or too many (a "billion laughs" file), throws.
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    throw errorCatalogue.DVB_ERR_SCENARIO_INVALID(`${path}: not valid YAML: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  const result = scenarioSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${path}${locate(doc, lines, issue.path)}: ${formatIssuePath(issue.path)}: ${issue.message}`);
    throw errorCatalogue.DVB_ERR_SCENARIO_INVALID(`invalid scenario:\n  ${problems.join('\n  ')}`);
  }
  const problems = crossFieldProblems(result.data);
  if (problems.length > 0) {
    throw errorCatalogue.DVB_ERR_SCENARIO_INVALID(`invalid scenario:\n  ${problems.map(([p, rule]) => `${path}${locate(doc, lines, p)}: ${formatIssuePath(p)}: ${rule}`).join('\n  ')}`);
  }
  return { path, scenario: deepFreeze(result.data) };
}

const KNOWN_TABLES = new Set(['account', 'contact', 'opportunity', 'quote', 'quotedetail', 'systemuser']);

function crossFieldProblems(scenario: Scenario): [PropertyKey[], string][] {
  const problems: [PropertyKey[], string][] = [];
  const tables = new Set([...KNOWN_TABLES, ...scenario.mock.tables.map((t) => t.logicalName)]);
  for (const table of Object.keys(scenario.data)) if (!tables.has(table)) problems.push([['data', table], `no table '${table}' (standard tables: ${[...KNOWN_TABLES].join(', ')}; add others under mock.tables)`]);
  // On the mock every record comes from data:; an org's reads and binds use its own records.
  const onMock = scenario.target === 'mock';
  scenario.workloads.forEach((w, i) => {
    if ('table' in w && !tables.has(w.table)) problems.push([['workloads', i, 'table'], `no table '${w.table}'`]);
    if (!onMock) return;
    const needsData = w.kind === 'update' || w.kind === 'delete' || (w.kind === 'read' && w.mode === 'retrieve');
    if (needsData && 'table' in w && (scenario.data[w.table] ?? 0) === 0) {
      problems.push([['workloads', i, 'table'], `a ${w.kind} workload needs seeded records: add data.${w.table}`]);
    }
    if ((w.kind === 'delete' || w.kind === 'update') && w.count > (scenario.data[w.table] ?? 0)) {
      problems.push([['workloads', i, 'count'], `${w.count} ${w.kind}s need as many seeded records, but data.${w.table} is ${scenario.data[w.table] ?? 0} (each record is ${w.kind}d once)`]);
    }
    if (w.kind === 'insert') for (const [nav, target] of Object.entries(w.lookups)) if ((scenario.data[target] ?? 0) === 0) problems.push([['workloads', i, 'lookups', nav], `binds to seeded '${target}' records: add data.${target}`]);
    if (w.kind === 'mixed' && w.weights.read + w.weights.update + w.weights.insert + w.weights.delete === 0) problems.push([['workloads', i, 'weights'], 'at least one weight must be above 0']);
  });
  scenario.strategies.forEach((s, i) => {
    if (typeof s !== 'string' && (s.kind === 'batch' || s.kind === 'bulk')) {
      const sizes = Array.isArray(s.size) ? s.size : [s.size];
      if (sizes.some((n) => n > 1000)) problems.push([['strategies', i, 'size'], 'at most 1000 operations per $batch or bulk request (Dataverse\'s limit)']);
    }
  });
  const names = expandStrategies(scenario.strategies).map((s) => s.name);
  scenario.thresholds.forEach((t, i) => {
    if (!names.includes(t.strategy)) problems.push([['thresholds', i, 'strategy'], `no strategy '${t.strategy}' in this scenario (it has ${names.join(', ')})`]);
  });
  return problems;
}
