import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DvbenchError } from '../../errors/DvbenchError.js';
import { errorCatalogue } from '../../errors/errorCatalogue.js';
import { loadScenario, type LoadedScenario, type LoadOptions } from '../../scenario/loadScenario.js';

async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    if (info?.isDirectory() === true) {
      const files = (await readdir(p)).filter((f) => /\.(ya?ml|json)$/i.test(f)).sort();
      if (files.length === 0)
        throw errorCatalogue.DVB_ERR_USAGE(`dvbench: ${p} holds no .yaml, .yml or .json scenario files.`);
      out.push(...files.map((f) => join(p, f)));
    } else out.push(p);
  }
  return out;
}

/** Loads every scenario first, so a bad file stops the suite before anything runs. */
export async function loadScenarioFiles(
  paths: readonly string[],
  optionsFor: (path: string) => LoadOptions = () => ({}),
): Promise<LoadedScenario[]> {
  const loaded: LoadedScenario[] = [];
  const problems: string[] = [];
  for (const p of await expandPaths(paths)) {
    try {
      loaded.push(await loadScenario(p, optionsFor(p)));
    } catch (error) {
      if (error instanceof DvbenchError && error.code === 'DVB_ERR_SCENARIO_INVALID') problems.push(error.message);
      else throw error;
    }
  }
  if (problems.length > 0) throw errorCatalogue.DVB_ERR_SCENARIO_INVALID(problems.join('\n'));
  return loaded;
}
