/**
 * A table's primary keys in Dataverse's default order (the key's), kept lazily: new keys gather
 * unsorted and are merged in when a query asks for the order, so writes pay nothing for it and
 * a query without `$orderby` reads its page and stops, instead of scanning the whole table to
 * find the page's first keys. Deleted keys stay until the next merge: the reader skips a key
 * whose row is gone.
 */
export class IdOrder {
  #sorted: string[] = [];
  #added: string[] = [];
  #removed = 0;

  add(id: string): void {
    this.#added.push(id);
  }

  remove(): void {
    this.#removed++;
  }

  clear(): void {
    this.#sorted = [];
    this.#added = [];
    this.#removed = 0;
  }

  /**
   * Every live key in order, no key twice (`live` tells a key whose row is there); it may hold
   * keys deleted since, which the caller skips.
   */
  ordered(live: (id: string) => boolean): readonly string[] {
    // A merge costs a pass over the table: worth it for new keys, or once a quarter are dead.
    if (this.#added.length === 0 && this.#removed * 4 <= this.#sorted.length) return this.#sorted;
    const added = this.#added.sort();
    const merged: string[] = [];
    let i = 0;
    let j = 0;
    const sorted = this.#sorted;
    while (i < sorted.length || j < added.length) {
      const a = sorted[i];
      const b = added[j];
      const next = b === undefined || (a !== undefined && a < b) ? (i++, a) : (j++, b);
      // A key deleted and added back (a rollback, a replace) comes twice: keep one.
      if (next !== undefined && next !== merged[merged.length - 1] && live(next)) merged.push(next);
    }
    this.#sorted = merged;
    this.#added = [];
    this.#removed = 0;
    return merged;
  }
}

/** The first index in `ids` (ascending) whose key is greater than `after`. */
export function indexAfter(ids: readonly string[], after: string): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((ids[mid] ?? '') <= after) low = mid + 1;
    else high = mid;
  }
  return low;
}
