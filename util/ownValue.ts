/**
 * `record[key]` when `key` is the record's own: a name a client sent (`constructor`, `toString`)
 * never finds what every object inherits from `Object.prototype`.
 */
export function ownValue<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
