import type { TokenProvider } from '../client/auth/TokenProvider.js';
import type { DataverseClient } from '../client/DataverseClient.js';
import type { PlannedOperation } from '../operations/PlannedOperation.js';
import type { SeededRows } from '../scenario/seededRows.js';
import type { RunGates } from '../strategies/StrategyContext.js';
import type { WorkerTarget } from '../strategies/workers/workerProtocol.js';
import type { ServerSnapshot } from './prepareData.js';
import type { RunIds } from './RunIds.js';

/** Work a run does on its target that is not measured: creating, restoring and deleting its records. */
export interface SetupTotals {
  /** Wall time, ms. */
  ms: number;
  requests: number;
  /** Records created or restored. */
  created: number;
  deleted: number;
}

export type SetupStep = 'data' | 'restore' | 'cleanup';

export interface SetupProgress {
  readonly step: SetupStep;
  readonly done: number;
  readonly total: number;
}

/**
 * Where a run sends its work: the embedded mock or an org. Above this interface nothing asks
 * which one it holds: each prepares the scenario's data its own way (the mock seeds it through
 * its admin API; an org gets it created through the Web API) and answers with the rows to plan on.
 */
export interface RunTarget {
  readonly kind: 'mock' | 'org';
  readonly url: string;
  readonly identities: readonly TokenProvider[];
  /** One Retry-After gate per identity, shared by threads and processes. */
  readonly gates: RunGates;
  /** A small client for planning, the audit and set-up; it waits at the same gates as the work. */
  readonly control: DataverseClient;
  /** How a worker thread or process connects. */
  readonly worker: WorkerTarget;
  /** Rejects when the target dies under the run; undefined when nothing watches it. */
  readonly died: Promise<never> | undefined;
  /** Every record of the tables a run writes is the run's own: the audit may count whole tables. */
  readonly ownsTables: boolean;
  /** The ids of the records this run creates. */
  readonly ids: RunIds;
  /** What set-up has cost so far. */
  readonly setup: Readonly<SetupTotals>;
  /** Puts the scenario's data in place for the next repetition; answers the rows to plan on. */
  prepare(): Promise<SeededRows>;
  /** The server's own CPU, memory and record counts, where the target reports them. */
  snapshot(): Promise<ServerSnapshot | undefined>;
  /** Called with a repetition's plan before any of it is sent. */
  beforeRepetition(ops: readonly PlannedOperation[]): Promise<void>;
  /** Called after a repetition; answers warnings for the run. `keep`: leave what it created. */
  afterRepetition(ops: readonly PlannedOperation[], keep: boolean): Promise<string[]>;
  /** Ends the run's use of the target, removing what the run created unless `keep`; answers warnings. */
  close(keep: boolean): Promise<string[]>;
}

export const noSetup = (): SetupTotals => ({ ms: 0, requests: 0, created: 0, deleted: 0 });
