import { redact } from '../client/auth/redact.js';
import type { PlannedOperation } from '../operations/PlannedOperation.js';
import { CHANGING_KINDS } from '../scenario/ownRecords.js';
import { rowsNeeded } from '../scenario/planOperations.js';
import { seededRowsKey, type SeededRows } from '../scenario/seededRows.js';
import {
  deleteCreated,
  plannedCreates,
  readManifest,
  recordPlannedCreates,
  type CreatedRecord,
} from './createdRecords.js';
import { ConnectedTarget, type TargetParts } from './ConnectedTarget.js';
import { OrgFixture } from './OrgFixture.js';
import { fetchRowSet } from './prepareData.js';
import type { RunTarget, SetupProgress } from './RunTarget.js';

export interface OrgRun {
  readonly runId: string;
  readonly startedAt: string;
  /** `created-records.json`: every record is listed here before it is sent. */
  readonly manifestPath: string;
  /** The folder, for the cleanup command a warning names. */
  readonly outDir: string;
}

/**
 * A real org (or anything reached as one: URL and credentials). It holds records the run did not
 * create, so the run works only on its own: the scenario's data is created before the first
 * repetition, put back between repetitions, and deleted with everything else the run created
 * when it closes, whatever ended it. Every record is listed in created-records.json, with the
 * run's secret, before it is sent, so `dvbench cleanup` can finish the job after a crash.
 */
export class OrgTarget extends ConnectedTarget implements RunTarget {
  readonly kind = 'org';
  readonly ownsTables = false;
  readonly died = undefined;
  readonly #run: OrgRun;
  readonly #fixture: OrgFixture;
  #rows: SeededRows | undefined;
  #consumed = new Set<string>();
  /** What the repetition under way creates, listed before it is sent. */
  #creates: CreatedRecord[] = [];

  constructor(parts: TargetParts, run: OrgRun, onSetup: (p: SetupProgress) => void) {
    super(parts);
    this.#run = run;
    this.#fixture = new OrgFixture(
      { scenario: parts.scenario, client: parts.control, ids: parts.ids, totals: this.setup },
      onSetup,
    );
  }

  async prepare(): Promise<SeededRows> {
    if (this.#rows === undefined) {
      if (this.#fixture.size > 0) {
        await this.#list(this.#fixture.records(this.parts.tables));
        await this.#fixture.create();
      }
      this.#rows = await this.#planRows();
    } else {
      await this.#fixture.restore(this.#consumed);
      this.#consumed = new Set();
    }
    return this.#rows;
  }

  /** The data's own records for what the data holds; the org's records only where a workload just reads or binds. */
  async #planRows(): Promise<SeededRows> {
    const out = new Map<string, Record<string, unknown>[]>();
    const { workloads } = this.parts.scenario;
    // A table the run changes holds only the run's own records for it, even where it reads.
    const changed = new Set(workloads.flatMap((w) => (CHANGING_KINDS.has(w.kind) && 'table' in w ? [w.table] : [])));
    for (const need of rowsNeeded(this.parts.scenario)) {
      const t = this.parts.tables.get(need.table);
      if (t === undefined) continue;
      const rows = this.#fixture.has(need.table)
        ? await this.#fixture.rows(need, t)
        : changed.has(need.table)
          ? []
          : await fetchRowSet(this.control, t, need);
      out.set(seededRowsKey(need.table, need.filter), rows);
    }
    return out;
  }

  snapshot(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  async beforeRepetition(ops: readonly PlannedOperation[]): Promise<void> {
    this.#creates = plannedCreates(ops, (t) => this.parts.tables.get(t)?.primaryKey ?? `${t}id`);
    await this.#list(this.#creates);
  }

  /** Deletes what the repetition created (the next one creates the same ids) and notes what it consumed. */
  async afterRepetition(ops: readonly PlannedOperation[], keep: boolean): Promise<string[]> {
    for (const id of this.#fixture.consumedBy(ops)) this.#consumed.add(id);
    if (keep) return [];
    return this.#delete(this.#creates);
  }

  /** Deletes every record the manifest lists for this run: its data, and whatever a failure left behind. */
  async close(keep: boolean): Promise<string[]> {
    try {
      const manifest = await readManifest(this.#run.manifestPath);
      const mine = (manifest?.records ?? []).filter((r) => r.run === this.#run.runId);
      if (keep)
        return mine.length === 0
          ? []
          : [
              `kept ` +
                `${mine.length} record(s) this run created (--keep); 'dvbench cleanup ` +
                `${this.#run.outDir}' deletes them`,
            ];
      return await this.#delete(mine);
    } finally {
      await this.control.close();
    }
  }

  async #list(records: readonly CreatedRecord[]): Promise<void> {
    if (records.length === 0) return;
    const { runId, startedAt, manifestPath } = this.#run;
    await recordPlannedCreates(manifestPath, { runId, startedAt, secret: this.ids.secret, target: this.url }, records);
  }

  async #delete(records: readonly CreatedRecord[]): Promise<string[]> {
    if (records.length === 0) return [];
    const started = performance.now();
    const result = await deleteCreated(this.control, this.#run.manifestPath, records);
    this.setup.ms += performance.now() - started;
    this.setup.requests += result.requests;
    this.setup.deleted += result.deleted;
    if (result.failed.length === 0) return [];
    return [
      redact(
        `could not delete ` +
          `${result.failed.length} record(s) this run created; 'dvbench cleanup ` +
          `${this.#run.outDir}' deletes them: ${result.failed.slice(0, 3).join('; ')}`,
      ),
    ];
  }
}
