import { errorCatalogue } from '../errors/errorCatalogue.js';
import { expandStrategies } from '../strategies/expandStrategies.js';
import type { StrategySpec } from '../strategies/strategyKinds.js';
import type { LoadedScenario } from '../scenario/loadScenario.js';

/** The strategies to run: all of the scenario's, or those `--strategies` named. */
export function selectStrategies(loaded: LoadedScenario, only: readonly string[] | undefined): StrategySpec[] {
  const all = expandStrategies(loaded.scenario.strategies);
  const specs = all.filter((s) => only === undefined || only.includes(s.name));
  if (specs.length === 0)
    throw errorCatalogue.DVB_ERR_USAGE(
      `no strategy left to run: --strategies named none of ${all.map((s) => s.name).join(', ')}`,
    );
  return specs;
}
