import { dataverseErrors } from '../errors/dataverseErrors.js';
import { DataverseError } from '../errors/DataverseError.js';
import type { Catalogue, TableMetadata } from '../metadata/Catalogue.js';
import { IdOrder, indexAfter } from './IdOrder.js';
import { isLookupValue, type CellValue, type Row } from './Row.js';

interface TableState {
  readonly meta: TableMetadata;
  readonly rows: Map<string, Row>;
  /** The primary keys in order, for queries without `$orderby`. */
  readonly order: IdOrder;
  /**
   * The lookup columns, the only ones that can hold a reference: a write indexes these, not every
   * column. Each is made once here, and the index of references keys on it.
   */
  readonly lookups: readonly LookupColumn[];
  /** One index per alternate key: serialized key values → primary key. */
  readonly altKeys: { readonly columns: readonly string[]; readonly index: Map<string, string> }[];
}

/** A lookup column of a table, and whether deleting its target deletes the row too (parental). */
interface LookupColumn {
  readonly table: string;
  readonly column: string;
  readonly cascade: boolean;
}

type JournalEntry =
  | { readonly kind: 'inserted'; readonly table: string; readonly id: string }
  | { readonly kind: 'replaced'; readonly table: string; readonly previous: Row }
  | { readonly kind: 'tombstoned'; readonly table: string };

/** A deleted record, kept for change tracking: its id and the version its deletion took. */
export interface Tombstone {
  readonly id: string;
  readonly version: number;
}

/** Deletions kept per table for change tracking; past it the oldest go, and older delta tokens expire. */
const MAX_TOMBSTONES = 100_000;

/** Lookups that delete their children with the parent (parental relationships); others are unlinked. */
const CASCADE_DELETE = new Set(['quotedetail.quoteid']);

function keyPart(value: CellValue | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  // Dataverse keys on strings follow SQL's case-insensitive collation.
  if (typeof value === 'string') return `s:${value.toLowerCase()}`;
  if (isLookupValue(value)) return `g:${value.id}`;
  return `${typeof value}:${String(value)}`;
}

function serializeKey(
  columns: readonly string[],
  values: Readonly<Record<string, CellValue | undefined>>,
): string | undefined {
  const parts: string[] = [];
  for (const c of columns) {
    const p = keyPart(values[c]);
    if (p === undefined) return undefined;
    parts.push(p);
  }
  return parts.join('\u0000');
}

/**
 * The mock's data: every table in memory, indexed by primary key and alternate keys, with a
 * reverse index of lookups so deletes can unlink or cascade without scanning. All methods are
 * synchronous, so one request's change is applied whole before another request runs.
 */
export class Store {
  readonly #tables = new Map<string, TableState>();
  /**
   * `table:id` of a target → the lookup column of the rows pointing at it → their ids (the rows'
   * own key strings). A million accounts owned by one user cost the index a million entries, no
   * new strings: a `table|id|column` string per row was the largest thing each row kept.
   */
  readonly #references = new Map<string, Map<LookupColumn, Set<string>>>();
  #journal: JournalEntry[] | undefined;
  #nextVersion = 1_000_001;
  readonly #tombstones = new Map<string, Tombstone[]>();
  /** Per table: a delta token below this may have missed deletions that were dropped. */
  readonly #tombstoneFloor = new Map<string, number>();

  constructor(catalogue: Catalogue) {
    for (const meta of catalogue.tables()) {
      this.#tables.set(meta.logicalName, {
        meta,
        rows: new Map(),
        order: new IdOrder(),
        lookups: meta.definition.columns
          .filter((c) => c.type === 'lookup')
          .map((c) => ({
            table: meta.logicalName,
            column: c.name,
            cascade: CASCADE_DELETE.has(`${meta.logicalName}.${c.name}`),
          })),
        altKeys: meta.definition.alternateKeys.map((columns) => ({ columns, index: new Map() })),
      });
    }
  }

  #state(table: string): TableState {
    const state = this.#tables.get(table);
    if (state === undefined) throw new Error(`no table '${table}' in the store`);
    return state;
  }

  nextVersion(): number {
    return this.#nextVersion++;
  }

  /** The last version handed out: every change so far has a version at or below it. */
  currentVersion(): number {
    return this.#nextVersion - 1;
  }

  /** Records of `table` deleted after `version`, or undefined when deletions that old are no longer kept. */
  deletedSince(table: string, version: number): readonly Tombstone[] | undefined {
    if (version < (this.#tombstoneFloor.get(table) ?? 0)) return undefined;
    return (this.#tombstones.get(table) ?? []).filter((t) => t.version > version);
  }

  #tombstone(table: string, id: string): void {
    let list = this.#tombstones.get(table);
    if (list === undefined) this.#tombstones.set(table, (list = []));
    list.push({ id, version: this.nextVersion() });
    this.#journal?.push({ kind: 'tombstoned', table });
    if (list.length > MAX_TOMBSTONES) {
      const dropped = list.splice(0, list.length - MAX_TOMBSTONES * 0.9);
      this.#tombstoneFloor.set(table, dropped.at(-1)?.version ?? 0);
    }
  }

  get(table: string, id: string): Row | undefined {
    return this.#state(table).rows.get(id);
  }

  findByKey(table: string, columns: readonly string[], values: Readonly<Record<string, CellValue>>): Row | undefined {
    const state = this.#state(table);
    const wanted = [...columns].sort().join(',');
    const alt = state.altKeys.find((k) => [...k.columns].sort().join(',') === wanted);
    const key = alt === undefined ? undefined : serializeKey(alt.columns, values);
    if (alt === undefined || key === undefined) return undefined;
    const id = alt.index.get(key);
    return id === undefined ? undefined : state.rows.get(id);
  }

  rows(table: string): IterableIterator<Row> {
    return this.#state(table).rows.values();
  }

  /**
   * The primary keys of `table` in order (a key whose row is gone may remain: skip it) and its
   * rows by key, from the first key after `after` (all without): a plain loop over them is the
   * reader, not a generator, whose resume per row cost more than the row.
   */
  keyOrder(table: string, after?: string): { ids: readonly string[]; from: number; rows: ReadonlyMap<string, Row> } {
    const { rows, order } = this.#state(table);
    const ids = order.ordered((id) => rows.has(id));
    return { ids, from: after === undefined ? 0 : indexAfter(ids, after), rows };
  }

  count(table: string): number {
    return this.#state(table).rows.size;
  }

  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, state] of this.#tables) out[name] = state.rows.size;
    return out;
  }

  /** Inserts a new row; the caller has validated columns and computed values. */
  insert(table: string, row: Row): void {
    const state = this.#state(table);
    const id = row.values[state.meta.primaryKey] as string;
    if (state.rows.has(id)) throw dataverseErrors.duplicateKey();
    this.#checkAltKeys(state, row, undefined);
    this.#put(state, row, undefined);
    this.#journal?.push({ kind: 'inserted', table, id });
  }

  /** Replaces an existing row with a new version of it. */
  replace(table: string, row: Row): void {
    const state = this.#state(table);
    const id = row.values[state.meta.primaryKey] as string;
    const previous = state.rows.get(id);
    if (previous === undefined) throw dataverseErrors.recordNotFound(table, id);
    this.#checkAltKeys(state, row, id);
    this.#put(state, row, previous);
    this.#journal?.push({ kind: 'replaced', table, previous });
  }

  /** Deletes a row: parental children are deleted too, other rows pointing at it are unlinked. */
  delete(table: string, id: string): void {
    const state = this.#state(table);
    const previous = state.rows.get(id);
    if (previous === undefined) throw dataverseErrors.recordNotFound(table, id);
    this.#remove(state, previous);
    this.#journal?.push({ kind: 'replaced', table, previous });
    this.#tombstone(table, id);
    const refs = this.#references.get(`${table}:${id}`);
    if (refs === undefined) return;
    for (const [{ table: srcTable, column, cascade }, ids] of [...refs]) {
      for (const srcId of [...ids]) {
        const src = this.#tables.get(srcTable)?.rows.get(srcId);
        if (src === undefined) continue;
        if (cascade) this.delete(srcTable, srcId);
        else this.replace(srcTable, { values: { ...src.values, [column]: null }, version: this.nextVersion() });
      }
    }
  }

  /**
   * Runs `fn` as one unit: if it throws, every change it made is undone, in reverse order.
   * Nested calls join the outer unit.
   */
  transaction<T>(fn: () => T): T {
    if (this.#journal !== undefined) return fn();
    const journal: JournalEntry[] = [];
    this.#journal = journal;
    try {
      return fn();
    } catch (error) {
      this.#journal = undefined;
      for (const entry of journal.reverse()) this.#undo(entry);
      throw error;
    } finally {
      this.#journal = undefined;
    }
  }

  /**
   * Runs `fn` and then undoes every change it made, keeping what it answered: a write the store
   * forgets (the `lose` fault). Inside a transaction it undoes only its own changes.
   */
  forgetting<T>(fn: () => T): T {
    const outer = this.#journal;
    const journal = outer ?? [];
    const mark = journal.length;
    this.#journal = journal;
    try {
      return fn();
    } finally {
      const made = journal.splice(mark);
      this.#journal = undefined;
      for (const entry of made.reverse()) this.#undo(entry);
      this.#journal = outer;
    }
  }

  clear(): void {
    for (const state of this.#tables.values()) {
      state.rows.clear();
      state.order.clear();
      for (const k of state.altKeys) k.index.clear();
    }
    this.#references.clear();
    this.#tombstones.clear();
    this.#tombstoneFloor.clear();
    // Restarting the row versions makes a reset-and-seed byte-identical to the previous one.
    this.#nextVersion = 1_000_001;
  }

  #undo(entry: JournalEntry): void {
    if (entry.kind === 'tombstoned') {
      this.#tombstones.get(entry.table)?.pop();
      return;
    }
    const state = this.#state(entry.table);
    if (entry.kind === 'inserted') {
      const row = state.rows.get(entry.id);
      if (row !== undefined) this.#remove(state, row);
    } else {
      const id = entry.previous.values[state.meta.primaryKey] as string;
      const current = state.rows.get(id);
      if (current !== undefined) this.#remove(state, current);
      this.#put(state, entry.previous, undefined);
    }
  }

  #checkAltKeys(state: TableState, row: Row, ownId: string | undefined): void {
    for (const alt of state.altKeys) {
      const key = serializeKey(alt.columns, row.values);
      if (key === undefined) continue;
      const holder = alt.index.get(key);
      if (holder !== undefined && holder !== ownId) {
        throw new DataverseError(
          412,
          '0x80060892',
          `A record that has the attribute values ${alt.columns.join(', ')} already exists. The ` +
            `entity key ${state.meta.logicalName}_${alt.columns.join('_')} requires that this ` +
            `set of attributes contains unique values. Select unique values and try again.`,
        );
      }
    }
  }

  #put(state: TableState, row: Row, previous: Row | undefined): void {
    // A new version of a row keeps its place in the key order.
    if (previous !== undefined) this.#remove(state, previous, false);
    const id = row.values[state.meta.primaryKey] as string;
    state.rows.set(id, row);
    if (previous === undefined) state.order.add(id);
    for (const alt of state.altKeys) {
      const key = serializeKey(alt.columns, row.values);
      if (key !== undefined) alt.index.set(key, id);
    }
    for (const lookup of state.lookups) {
      const value = row.values[lookup.column];
      if (!isLookupValue(value)) continue;
      const target = `${value.table}:${value.id}`;
      let sources = this.#references.get(target);
      if (sources === undefined) this.#references.set(target, (sources = new Map<LookupColumn, Set<string>>()));
      let ids = sources.get(lookup);
      if (ids === undefined) sources.set(lookup, (ids = new Set()));
      ids.add(id);
    }
  }

  #remove(state: TableState, row: Row, leavesOrder = true): void {
    const id = row.values[state.meta.primaryKey] as string;
    state.rows.delete(id);
    if (leavesOrder) state.order.remove();
    for (const alt of state.altKeys) {
      const key = serializeKey(alt.columns, row.values);
      if (key !== undefined && alt.index.get(key) === id) alt.index.delete(key);
    }
    for (const lookup of state.lookups) {
      const value = row.values[lookup.column];
      if (!isLookupValue(value)) continue;
      const target = `${value.table}:${value.id}`;
      const sources = this.#references.get(target);
      const ids = sources?.get(lookup);
      if (ids === undefined || sources === undefined) continue;
      ids.delete(id);
      if (ids.size === 0) sources.delete(lookup);
      if (sources.size === 0) this.#references.delete(target);
    }
  }
}
