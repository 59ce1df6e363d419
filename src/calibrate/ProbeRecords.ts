import { randomBytes } from 'node:crypto';
import type { DataverseClient } from '../client/DataverseClient.js';
import { deleteBatchesFor, deleteInBatches } from '../target/deleteInBatches.js';

/** The table every org has: probes create, update and delete only records of their own in it. */
export const PROBE_TABLE = { logicalName: 'account', set: 'accounts', key: 'accountid', name: 'name' } as const;

/** A table probes write to: its logical name, entity set, primary key and primary name column. */
export interface ProbeTable {
  readonly logicalName: string;
  readonly set: string;
  readonly key: string;
  readonly name: string;
}

const ID_AT_END = /\(([0-9a-fA-F-]{36})\)$/;

/**
 * The records a calibration creates: each named with a tag unique to this calibration, so
 * cleanup deletes exactly them and a final query proves none is left.
 */
export class ProbeRecords {
  /** `dvbench-calibrate-<tag>`: the prefix of every name this calibration writes. */
  readonly prefix: string;
  readonly #ids: string[] = [];
  readonly #failed: string[] = [];
  #next = 0;

  /**
   * `cleaner` deletes and checks: a client no interruption cancels. Records of other tables
   * share the first table's prefix, so one calibration's records carry one tag.
   */
  constructor(
    private readonly cleaner: DataverseClient,
    readonly table: ProbeTable = PROBE_TABLE,
    prefix?: string,
  ) {
    this.prefix = prefix ?? `dvbench-calibrate-${randomBytes(4).toString('hex')}`;
  }

  /** A new record's columns; its name carries the tag. */
  body(): Record<string, unknown> {
    return { [this.table.name]: `${this.prefix} ${++this.#next}` };
  }

  get ids(): readonly string[] {
    return this.#ids;
  }

  /** Records the id of a created record from an `OData-EntityId` URL or a plain id. */
  add(...ids: (string | undefined)[]): void {
    for (const id of ids) {
      const plain = id === undefined ? undefined : (ID_AT_END.exec(id)?.[1] ?? id);
      if (plain !== undefined && /^[0-9a-fA-F-]{36}$/.test(plain)) this.#ids.push(plain);
    }
  }

  /** Forgets records deleted one by one (the delete probe). */
  remove(id: string): void {
    const at = this.#ids.indexOf(id);
    if (at >= 0) this.#ids.splice(at, 1);
  }

  /** Requests cleanup needs for what is recorded now. */
  get cleanupRequests(): number {
    return deleteBatchesFor(this.#ids.length) + 1;
  }

  /** Deletes every recorded record in `$batch`es of deletes; a 404 is already gone. */
  async deleteAll(): Promise<{ deleted: number; failed: number }> {
    const ids = this.#ids.splice(0);
    const outcomes = await deleteInBatches(
      this.cleaner,
      ids.map((id) => ({ set: this.table.set, id })),
    );
    let deleted = 0;
    outcomes.forEach((o, i) => {
      if (o?.status === 204 || o?.status === 404) deleted++;
      else this.#failed.push(ids[i] ?? '');
    });
    return { deleted, failed: ids.length - deleted };
  }

  /** Records that could not be deleted, for the person to remove. */
  get undeleted(): readonly string[] {
    return this.#failed;
  }

  /** Counts the records left whose name carries this calibration's tag: the proof of cleanup. */
  async countLeft(): Promise<number | undefined> {
    let left = 0;
    const filter = encodeURIComponent(`startswith(${this.table.name},'${this.prefix}')`);
    for await (const page of this.cleaner.queryPages(`${this.table.set}?$select=${this.table.key}&$filter=${filter}`, {
      maxPageSize: 5000,
    })) {
      if (page.status !== 200) return undefined;
      left += page.records;
    }
    return left;
  }
}
