import type { TableEntry } from '../../mock-server/index.js';
import type { TokenProvider } from '../client/auth/TokenProvider.js';
import type { DataverseClient } from '../client/DataverseClient.js';
import type { Scenario } from '../scenario/scenarioSchema.js';
import type { RunGates } from '../strategies/StrategyContext.js';
import type { WorkerTarget } from '../strategies/workers/workerProtocol.js';
import type { RunIds } from './RunIds.js';
import { noSetup, type SetupTotals } from './RunTarget.js';

/** What opening a target gives every kind of it: the connection, and the run it serves. */
export type TargetParts = Pick<ConnectedTarget, 'url' | 'identities' | 'gates' | 'control' | 'worker' | 'ids'> & {
  readonly scenario: Scenario;
  readonly tables: ReadonlyMap<string, TableEntry>;
};

/** The connection half of a RunTarget, the same for the mock and an org. */
export abstract class ConnectedTarget {
  readonly url: string;
  readonly identities: readonly TokenProvider[];
  readonly gates: RunGates;
  readonly control: DataverseClient;
  readonly worker: WorkerTarget;
  readonly ids: RunIds;
  readonly setup: SetupTotals = noSetup();
  protected readonly parts: TargetParts;

  constructor(parts: TargetParts) {
    ({
      url: this.url,
      identities: this.identities,
      gates: this.gates,
      control: this.control,
      worker: this.worker,
      ids: this.ids,
    } = parts);
    this.parts = parts;
  }
}
