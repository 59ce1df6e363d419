import type { LoadedScenario } from '../scenario/loadScenario.js';

/** True when the scenario gives the mock no service time at all: every operation is free. */
function costsNothing(scenario: LoadedScenario['scenario']): boolean {
  const l = scenario.mock.latency;
  const specs = [
    l.default,
    l.read,
    l.create,
    l.update,
    l.delete,
    l.batch,
    l.batchItem,
    l.bulk,
    l.bulkCreate,
    l.bulkUpdate,
  ];
  return (
    specs.every((x) => x === undefined || (x.baseMs === 0 && x.spreadMs === 0)) &&
    l.perRecordMs === 0 &&
    l.roundTripMs === 0
  );
}

/** The mock's figures describe this machine, not Dataverse, when its costs are zero: say so in the run. */
export function costWarning(loaded: LoadedScenario): string | undefined {
  if (!costsNothing(loaded.scenario)) return undefined;
  const which =
    loaded.mockCosts.profile === 'zero' ? "with the 'zero' profile (no costs)" : 'with no costs (no latency set)';
  return (
    `the mock ran ${which}: its figures describe this machine's client and HTTP stack, not ` +
    `Dataverse; use the 'default' profile or a calibrated one to compare strategies as an org would`
  );
}
