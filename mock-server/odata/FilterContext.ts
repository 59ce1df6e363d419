import type { Catalogue, TableMetadata } from '../metadata/Catalogue.js';
import type { Row } from '../store/Row.js';
import type { Store } from '../store/Store.js';

/**
 * SQL's three-valued logic: a comparison with a null column value is unknown (`null`), `not`
 * of unknown stays unknown, and only rows whose filter is `true` are returned.
 */
export type RowPredicate = (row: Row) => boolean | null;

export interface FilterContext {
  readonly table: TableMetadata;
  readonly catalogue: Catalogue;
  readonly store: Store;
  /** Current time, for relative date functions. */
  readonly now: () => number;
  /** The caller, for `EqualUserId` (FetchXML's `eq-userid`); no caller: nothing equals it. */
  readonly userId?: string | undefined;
  /** One index of related records per relationship for the whole filter, however many lambdas use it. */
  readonly lambdaIndexes?: Map<string, ReadonlyMap<string, Row[]>>;
}

/** What a query reads, whatever table it names: the tables, the clock and the caller. */
export type QueryContext = Omit<FilterContext, 'table'>;
