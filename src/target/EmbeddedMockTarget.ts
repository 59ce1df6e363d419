import type { SeededRows } from '../scenario/seededRows.js';
import { ConnectedTarget, type TargetParts } from './ConnectedTarget.js';
import { fetchRows, resetAndSeed, serverSnapshot, type ServerSnapshot } from './prepareData.js';
import type { RunTarget } from './RunTarget.js';
import type { EmbeddedMock } from './startEmbeddedMock.js';

/**
 * The mock in a process of its own, private to the run: every repetition starts from an
 * emptied store seeded from the scenario's seed, so nothing needs cleaning up.
 */
export class EmbeddedMockTarget extends ConnectedTarget implements RunTarget {
  readonly kind = 'mock';
  readonly ownsTables = true;
  readonly died: Promise<never>;
  readonly #mock: EmbeddedMock;

  constructor(parts: TargetParts, mock: EmbeddedMock) {
    super(parts);
    this.#mock = mock;
    this.died = mock.died;
  }

  async prepare(): Promise<SeededRows> {
    const started = performance.now();
    await resetAndSeed(this.#mock.url, this.parts.scenario);
    const rows = await fetchRows(this.control, this.parts.scenario, this.parts.tables);
    this.setup.ms += performance.now() - started;
    this.setup.created += Object.values(this.parts.scenario.data).reduce((a, n) => a + n, 0);
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
