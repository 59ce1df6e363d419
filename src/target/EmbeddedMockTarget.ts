import type { TableEntry } from '../../mock-server/index.js';
import type { TokenProvider } from '../client/auth/TokenProvider.js';
import type { DataverseClient } from '../client/DataverseClient.js';
import type { Scenario } from '../scenario/scenarioSchema.js';
import type { SeededRows } from '../scenario/seededRows.js';
import type { RunGates } from '../strategies/StrategyContext.js';
import type { WorkerTarget } from '../strategies/workerProtocol.js';
import { fetchRows, resetAndSeed, serverSnapshot, type ServerSnapshot } from './prepareData.js';
import type { RunIds } from './RunIds.js';
import { noSetup, type RunTarget, type SetupTotals } from './RunTarget.js';
import type { EmbeddedMock } from './startEmbeddedMock.js';

export interface TargetParts {
  readonly scenario: Scenario;
  readonly tables: ReadonlyMap<string, TableEntry>;
  readonly url: string;
  readonly identities: readonly TokenProvider[];
  readonly gates: RunGates;
  readonly control: DataverseClient;
  readonly worker: WorkerTarget;
  readonly ids: RunIds;
}

/**
 * The mock in a process of its own, private to the run: every repetition starts from an
 * emptied store seeded from the scenario's seed, so nothing needs cleaning up.
 */
export class EmbeddedMockTarget implements RunTarget {
  readonly kind = 'mock';
  readonly ownsTables = true;
  readonly url: string;
  readonly identities: readonly TokenProvider[];
  readonly gates: RunGates;
  readonly control: DataverseClient;
  readonly worker: WorkerTarget;
  readonly ids: RunIds;
  readonly died: Promise<never>;
  readonly setup: SetupTotals = noSetup();
  readonly #parts: TargetParts;
  readonly #mock: EmbeddedMock;

  constructor(parts: TargetParts, mock: EmbeddedMock) {
    ({
      url: this.url,
      identities: this.identities,
      gates: this.gates,
      control: this.control,
      worker: this.worker,
      ids: this.ids,
    } = parts);
    this.#parts = parts;
    this.#mock = mock;
    this.died = mock.died;
  }

  async prepare(): Promise<SeededRows> {
    const started = performance.now();
    await resetAndSeed(this.#mock.url, this.#parts.scenario);
    const rows = await fetchRows(this.control, this.#parts.scenario, this.#parts.tables);
    this.setup.ms += performance.now() - started;
    this.setup.created += Object.values(this.#parts.scenario.data).reduce((a, n) => a + n, 0);
    return rows;
  }

  snapshot(): Promise<ServerSnapshot> {
    return serverSnapshot(this.#mock.url);
  }

  beforeRepetition(): Promise<void> {
    return Promise.resolve();
  }

  afterRepetition(): Promise<string[]> {
    return Promise.resolve([]);
  }

  async close(): Promise<string[]> {
    await this.control.close();
    await this.#mock.stop();
    return [];
  }
}
