import { tableDirectory } from '../../mock-server/index.js';
import { DataverseClient } from '../client/DataverseClient.js';
import { compressedClientTimes } from '../client/compressedClientTimes.js';
import type { Scenario } from '../scenario/scenarioSchema.js';
import type { WorkerTarget } from '../strategies/workers/workerProtocol.js';
import type { TargetParts } from './ConnectedTarget.js';
import { EmbeddedMockTarget } from './EmbeddedMockTarget.js';
import { openTarget } from './openTarget.js';
import { OrgTarget, type OrgRun } from './OrgTarget.js';
import type { TargetSpec } from './resolveTarget.js';
import { RunIds } from './RunIds.js';
import type { RunTarget, SetupProgress } from './RunTarget.js';

export interface OpenRunTargetOptions {
  readonly run: OrgRun;
  readonly onSetup?: (p: SetupProgress) => void;
}

/**
 * Connects a run to its target: starts the embedded mock or signs in to the org, and returns
 * the one `RunTarget` the rest of the run talks to. If connecting fails, nothing is left running.
 */
export async function openRunTarget(
  scenario: Scenario,
  spec: TargetSpec,
  options: OpenRunTargetOptions,
): Promise<RunTarget> {
  return openTarget(scenario, spec, ({ mock, url, identities, gates }) => {
    const { affinityCookie, bypassCustomLogic } = scenario;
    const worker: WorkerTarget =
      spec.kind === 'org'
        ? {
            url,
            affinityCookie,
            bypassCustomLogic,
            identities: {
              kind: 'org',
              specs: spec.identities,
              ...(spec.authorityHost === undefined ? {} : { authorityHost: spec.authorityHost }),
            },
          }
        : {
            url,
            affinityCookie,
            bypassCustomLogic,
            identities: { kind: 'mock', count: scenario.identities },
            timeScale: scenario.mock.timeScale,
          };
    // The control client's calls (planning, audit, set-up) wait at the same gates as the work.
    const control = new DataverseClient({
      url,
      identities,
      gates: gates.gates,
      connections: 4,
      ...compressedClientTimes(worker.timeScale ?? 1),
    });
    const parts: TargetParts = {
      scenario,
      tables: tableDirectory(scenario.mock.tables),
      url,
      identities,
      gates,
      control,
      worker,
      ids: new RunIds(),
    };
    const target: RunTarget =
      mock === undefined
        ? new OrgTarget(parts, options.run, options.onSetup ?? (() => undefined))
        : new EmbeddedMockTarget(parts, mock);
    return Promise.resolve(target);
  });
}
