/**
 * Keeps the k smallest items under `compare` in a binary max-heap: O(n log k) for n offers and
 * O(k) memory, instead of sorting every match to return one page.
 */
export class TopK<T> {
  readonly #k: number;
  readonly #compare: (a: T, b: T) => number;
  readonly #heap: T[] = [];

  constructor(k: number, compare: (a: T, b: T) => number) {
    this.#k = k;
    this.#compare = compare;
  }

  offer(item: T): void {
    const heap = this.#heap;
    if (this.#k <= 0) return;
    if (heap.length < this.#k) {
      heap.push(item);
      this.#up(heap.length - 1);
      return;
    }
    // Larger than the largest kept item: not among the k smallest.
    if (this.#compare(item, heap[0] as T) >= 0) return;
    heap[0] = item;
    this.#down(0);
  }

  /** The largest kept item once k are kept (an item not below it would be refused), else `undefined`. */
  largest(): T | undefined {
    return this.#heap.length < this.#k ? undefined : this.#heap[0];
  }

  /** The kept items, smallest first. */
  sorted(): T[] {
    return [...this.#heap].sort(this.#compare);
  }

  #up(i: number): void {
    const heap = this.#heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#compare(heap[i] as T, heap[parent] as T) <= 0) return;
      [heap[i], heap[parent]] = [heap[parent] as T, heap[i] as T];
      i = parent;
    }
  }

  #down(i: number): void {
    const heap = this.#heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let largest = i;
      if (l < heap.length && this.#compare(heap[l] as T, heap[largest] as T) > 0) largest = l;
      if (r < heap.length && this.#compare(heap[r] as T, heap[largest] as T) > 0) largest = r;
      if (largest === i) return;
      [heap[i], heap[largest]] = [heap[largest] as T, heap[i] as T];
      i = largest;
    }
  }
}
