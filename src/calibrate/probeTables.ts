import type { CallResult } from '../client/CallResult.js';
import type { DataverseClient } from '../client/DataverseClient.js';
import { DvbenchError } from '../errors/DvbenchError.js';
import type { ProbeBudget } from './ProbeBudget.js';
import { repeatTimed } from './probeCosts.js';
import { ProbeRecords, type ProbeTable } from './ProbeRecords.js';
import type { TableKind } from './scenarioTables.js';

/** One table's timed calls, ms each, by kind; a kind not probed is absent. */
export interface TableSamples {
  readonly table: string;
  readonly samples: Partial<Record<TableKind, number[]>>;
}

/** Why a table the scenario names was not probed (not on the org, no writes allowed, nothing to read). */
export interface TableSkipped {
  readonly table: string;
  readonly reason: string;
}

interface AttributeFacts {
  readonly LogicalName: string;
  readonly IsValidForCreate?: boolean;
  readonly IsValidForUpdate?: boolean;
  readonly AttributeTypeName?: { readonly Value?: string };
}

/**
 * A text column probe records can be tagged with: the primary name when a create may set it,
 * else (contact's fullname is computed from its parts) a text column a create and an update may
 * set, one named like a name first.
 */
async function tagColumn(
  client: DataverseClient,
  logicalName: string,
  primaryName: string,
): Promise<string | undefined> {
  const result = await client.send(
    'GET',
    `EntityDefinitions(LogicalName='${logicalName}')/Attributes?$select=LogicalName,IsValidForCreate,IsValidForUpdate,AttributeTypeName`,
  );
  if (result.status !== 200) return undefined;
  const attributes = (JSON.parse(result.text) as { value: AttributeFacts[] }).value;
  const writable = (a: AttributeFacts): boolean =>
    a.IsValidForCreate === true && a.IsValidForUpdate === true && a.AttributeTypeName?.Value === 'StringType';
  const primary = attributes.find((a) => a.LogicalName === primaryName);
  if (primary !== undefined && writable(primary)) return primaryName;
  const candidates = attributes.filter(writable);
  return (candidates.find((a) => a.LogicalName.endsWith('name')) ?? candidates[0])?.LogicalName;
}

/** What the org says of a table: its entity set, key and a column to tag records with, or why not. */
async function describeTable(client: DataverseClient, logicalName: string): Promise<ProbeTable | string> {
  const result = await client.send(
    'GET',
    `EntityDefinitions(LogicalName='${logicalName}')?$select=EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute`,
  );
  if (result.status !== 200) return `the org has no table '${logicalName}' (HTTP ${result.status})`;
  const d = JSON.parse(result.text) as {
    EntitySetName?: string;
    PrimaryIdAttribute?: string;
    PrimaryNameAttribute?: string | null;
  };
  if (d.EntitySetName === undefined || d.PrimaryIdAttribute === undefined)
    return `the org did not describe table '${logicalName}'`;
  const name = await tagColumn(client, logicalName, d.PrimaryNameAttribute ?? '');
  if (name === undefined) return `table '${logicalName}' has no text column to tag probe records with`;
  return { logicalName, set: d.EntitySetName, key: d.PrimaryIdAttribute, name };
}

/**
 * The tables a scenario uses, timed one call at a time with the kinds it uses on each: a
 * synchronous plug-in on contact create makes contact dear, not account. Creates come first
 * (they make the records the other kinds need); without writes only reads of existing records
 * are timed. Every record made carries the calibration's tag and is deleted by `records`.
 */
export class TableProbe {
  readonly records: ProbeRecords[] = [];

  constructor(
    private readonly client: DataverseClient,
    private readonly cleaner: DataverseClient,
    private readonly budget: ProbeBudget,
    private readonly options: { readonly samples: number; readonly writes: boolean; readonly prefix: string },
  ) {}

  /**
   * One table's kinds; a table whose probe calls the org refuses (a quote line needs its quote)
   * is skipped with the org's answer, and whatever it made is still deleted.
   */
  async probe(
    logicalName: string,
    kinds: ReadonlySet<TableKind>,
    step: (name: string) => void,
  ): Promise<TableSamples | TableSkipped> {
    try {
      return await this.#probe(logicalName, kinds, step);
    } catch (error) {
      if (error instanceof DvbenchError && error.code === 'DVB_ERR_REQUEST_FAILED')
        return { table: logicalName, reason: error.message.replace(/^calibrate: /, '') };
      throw error;
    }
  }

  async #probe(
    logicalName: string,
    kinds: ReadonlySet<TableKind>,
    step: (name: string) => void,
  ): Promise<TableSamples | TableSkipped> {
    this.budget.check();
    const table = await describeTable(this.client, logicalName);
    if (typeof table === 'string') return { table: logicalName, reason: table };
    const records = new ProbeRecords(this.cleaner, table, this.options.prefix);
    this.records.push(records);
    const samples: Partial<Record<TableKind, number[]>> = {};
    const { writes } = this.options;
    if (!writes && !kinds.has('read'))
      return { table: logicalName, reason: 'its kinds are writes, and --allow-writes was not given' };
    const ids = writes ? records.ids : await this.#existing(table);
    if (writes) {
      step(`${logicalName}: create`);
      samples.create = await this.#repeat(logicalName, 'create', async () => {
        const r = await this.client.create(table.set, records.body());
        records.add(r.id);
        return r;
      });
    }
    // Reads are timed whatever the scenario does there: they tell a table that is dear to touch
    // (a multiplier) from one that is dear to write (a plug-in), which writes alone cannot.
    if (ids.length > 0) {
      step(`${logicalName}: retrieve`);
      samples.read = await this.#repeat(logicalName, 'retrieve', (i) =>
        this.client.retrieve(table.set, ids[i % ids.length] ?? '', `$select=${table.name}`),
      );
    }
    if (writes && (kinds.has('update') || kinds.has('upsert'))) {
      step(`${logicalName}: update`);
      // The name keeps its tag: only the suffix changes.
      samples.update = await this.#repeat(logicalName, 'update', (i) =>
        this.client.update(table.set, ids[i % ids.length] ?? '', { [table.name]: `${this.options.prefix} u${i}` }),
      );
    }
    if (writes && kinds.has('delete')) {
      step(`${logicalName}: delete`);
      samples.delete = await this.#repeat(logicalName, 'delete', async () => {
        const id = records.ids.at(-1) ?? '';
        const r = await this.client.delete(table.set, id);
        if (r.status === 204) records.remove(id);
        return r;
      });
    }
    return { table: logicalName, samples };
  }

  async #existing(table: ProbeTable): Promise<string[]> {
    this.budget.check();
    const result = await this.client.send('GET', `${table.set}?$select=${table.key}&$top=50`);
    if (result.status !== 200) return [];
    return (JSON.parse(result.text) as { value: Record<string, string>[] }).value.flatMap((r) => r[table.key] ?? []);
  }

  #repeat(table: string, what: string, call: (i: number) => Promise<CallResult>): Promise<number[]> {
    return repeatTimed(this.budget, `${table} ${what}`, this.options.samples, call);
  }
}
