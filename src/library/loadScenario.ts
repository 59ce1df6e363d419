import { join } from 'node:path';
import { loadScenario as loadScenarioFile, parseScenarioText, type LoadedScenario } from '../scenario/loadScenario.js';

export interface LoadScenarioOptions {
  /** A cost profile (`default`, `zero` or a file) replacing the scenario's mock costs, as `dvbench run --profile`. */
  readonly profile?: string;
  /**
   * Check table and column names against the mock's tables. Turn off for a scenario meant for
   * an org with tables the mock does not know. @default true
   */
  readonly checkNames?: boolean;
  /**
   * For a scenario given as an object: where relative paths in it (a profile file) are taken from.
   * @default the working folder
   */
  readonly baseDir?: string;
}

/**
 * A scenario, checked as `dvbench validate` checks it: from a YAML or JSON file, or from an
 * object of the same shape. Throws a `DvbenchError` (code `DVB_ERR_SCENARIO_INVALID`) that
 * names each problem's place and rule; nothing runs.
 */
export async function loadScenario(
  source: string | Readonly<Record<string, unknown>>,
  options: LoadScenarioOptions = {},
): Promise<LoadedScenario> {
  const parse = {
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    ...(options.checkNames === undefined ? {} : { checkNames: options.checkNames }),
  };
  if (typeof source === 'string') return loadScenarioFile(source, parse);
  // JSON is YAML: the object goes through the same parser, so errors read as they do for a file.
  const path = join(options.baseDir ?? process.cwd(), '(scenario object)');
  return parseScenarioText(JSON.stringify(source, null, 2), path, parse);
}

export type { LoadedScenario };
