/**
 * Answers kept for the objects they describe, bounded: two generations of at most `capacity`
 * entries each; when the newer fills up, the older is dropped whole. A load test reading the
 * same records over and over finds them here, while one that reads each of two million records
 * once holds at most `2 × capacity` answers, not two million.
 */
export class RecentAnswers<K extends object, V> {
  readonly #capacity: number;
  #newer = new Map<K, V>();
  #older = new Map<K, V>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#newer.size + this.#older.size;
  }

  get(key: K): V | undefined {
    const hit = this.#newer.get(key);
    if (hit !== undefined) return hit;
    const old = this.#older.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: K, value: V): void {
    if (this.#newer.size >= this.#capacity && !this.#newer.has(key)) {
      this.#older = this.#newer;
      this.#newer = new Map();
    }
    this.#newer.set(key, value);
  }
}
