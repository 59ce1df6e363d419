import { readFile } from 'node:fs/promises';
import { isMap, LineCounter, parseDocument, type Node } from 'yaml';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import { dirname, resolve } from 'node:path';
import { applyProfile, MockConfigError, type MockCosts } from '../../mock-server/index.js';
import { deepFreeze } from '../../util/deepFreeze.js';
import { formatIssuePath } from '../../util/formatIssuePath.js';
import { scenarioSchema, type Scenario } from './scenarioSchema.js';
import { ruleProblems } from './scenarioRules.js';

export interface LoadedScenario {
  readonly path: string;
  readonly scenario: Scenario;
  /** Where the embedded mock's costs come from (a profile, or the scenario's own keys). */
  readonly mockCosts: MockCosts;
}

export interface LoadOptions {
  /**
   * Check table, column and navigation property names against the mock's tables (standard
   * plus the scenario's custom ones). Off for a run against an org, whose tables the mock does
   * not know; query syntax is checked either way. @default true
   */
  readonly checkNames?: boolean;
  /** A cost profile (name or file) replacing the scenario's mock costs: `dvbench run --profile`. */
  readonly profile?: string;
  /** Send the bypass header whatever the file says: `dvbench run --bypass-custom-logic`. */
  readonly bypassCustomLogic?: boolean;
  /** The embedded mock's time compression, over the scenario's `mock.timeScale`: `dvbench run --time-scale`. */
  readonly timeScale?: number;
  /**
   * The target the scenario will run on, for the rules that depend on it: on the mock every
   * record comes from data:, so reads by id and lookups need it; on an org they may use the
   * org's own records, but updates, deletes, upserts and mixed work need the run's own (data:).
   * `unknown` checks neither. @default the scenario's own `target` (mock unless it names a URL)
   */
  readonly target?: 'mock' | 'org' | 'unknown';
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
export async function loadScenario(path: string, options: LoadOptions = {}): Promise<LoadedScenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw errorCatalogue.DVB_ERR_SCENARIO_INVALID(
      `${path}: ${code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder; give a scenario file' : String(error)}`,
    );
  }
  return parseScenarioText(text, path, options);
}

/**
 * The scenario's mock block with its cost profile under it: the one `--profile` names, else
 * the block's `profile`, else `default` when the block sets no costs of its own.
 */
function withProfile(
  data: unknown,
  path: string,
  override: string | undefined,
  where: (p: PropertyKey[]) => string,
): { mock: Record<string, unknown>; mockCosts: MockCosts } {
  const raw = (data as { mock?: unknown }).mock;
  try {
    // A profile named on the command line is a path from the current folder, as a shell user
    // expects; one named in the file is a path from the file's folder.
    const fromCommandLine = override !== undefined && /[/\\.]/.test(override) ? resolve(override) : override;
    const { input, costs } = applyProfile(raw, {
      fallback: 'default',
      baseDir: dirname(path),
      ...(fromCommandLine === undefined ? {} : { override: fromCommandLine }),
    });
    return { mock: input, mockCosts: costs };
  } catch (error) {
    if (!(error instanceof MockConfigError)) throw error;
    const at = override === undefined ? `${path}${where(['mock', 'profile'])}: mock.profile` : '--profile';
    const source = error.source === 'profile' ? '' : `${error.source}: `;
    throw errorCatalogue.DVB_ERR_SCENARIO_INVALID(`invalid scenario:\n  ${at}: ${source}${error.problems.join('; ')}`);
  }
}

export function parseScenarioText(text: string, path: string, options: LoadOptions = {}): LoadedScenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e?.linePos?.[0];
    throw errorCatalogue.DVB_ERR_SCENARIO_INVALID(
      `${path}${pos === undefined ? '' : `:${pos.line}:${pos.col}`}: not valid YAML or JSON: ` +
        (e?.message.split('\n')[0] ?? ''),
    );
  }
  if (!isMap(doc.contents))
    throw errorCatalogue.DVB_ERR_SCENARIO_INVALID(
      `${path}: a scenario must be a mapping of keys (name, workloads, strategies, ...)`,
    );
  let data: unknown;
  try {
    // Aliases are resolved here: an unknown one, or too many (a "billion laughs" file), throws.
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    throw errorCatalogue.DVB_ERR_SCENARIO_INVALID(
      `${path}: not valid YAML: ${(error as Error).message.split('\n')[0] ?? ''}`,
    );
  }
  const profiled = withProfile(data, path, options.profile, (p) => locate(doc, lines, p));
  const { mockCosts } = profiled;
  const mock = options.timeScale === undefined ? profiled.mock : { ...profiled.mock, timeScale: options.timeScale };
  const bypass = options.bypassCustomLogic === true ? { bypassCustomLogic: true } : {};
  const result = scenarioSchema.safeParse({ ...(data as Record<string, unknown>), mock, ...bypass });
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${path}${locate(doc, lines, issue.path)}: ${formatIssuePath(issue.path)}: ${issue.message}`,
    );
    throw errorCatalogue.DVB_ERR_SCENARIO_INVALID(`invalid scenario:\n  ${problems.join('\n  ')}`);
  }
  const problems = ruleProblems(result.data, path, options);
  if (problems.length > 0) {
    throw errorCatalogue.DVB_ERR_SCENARIO_INVALID(
      `invalid scenario:\n  ` +
        problems.map(([p, rule]) => `${path}${locate(doc, lines, p)}: ${formatIssuePath(p)}: ${rule}`).join('\n  '),
    );
  }
  return { path, scenario: deepFreeze(withScriptPaths(result.data, path)), mockCosts };
}

/**
 * Script modules resolved from the scenario's folder, and checked: the plan carries absolute
 * paths, so worker threads and processes import the same file whatever their working folder.
 */
function withScriptPaths(scenario: Scenario, path: string): Scenario {
  if (!scenario.workloads.some((w) => w.kind === 'script')) return scenario;
  return {
    ...scenario,
    workloads: scenario.workloads.map((w) =>
      w.kind === 'script' ? { ...w, module: resolve(dirname(path), w.module) } : w,
    ),
  };
}
