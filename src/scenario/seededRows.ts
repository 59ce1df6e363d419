/** Seeded rows the planner may use, fetched from the target after seeding, by `table|filter`. */
export type SeededRows = ReadonlyMap<string, readonly Readonly<Record<string, unknown>>[]>;

export function seededRowsKey(table: string, filter: string | undefined): string {
  return `${table}|${filter ?? ''}`;
}
