export interface Candidate {
  readonly workers: number;
  readonly throughput: number;
  /** No errors and no 429s. */
  readonly clean: boolean;
}

/**
 * The recommendation dvbench gives everywhere: the fewest workers within 5% of the best
 * throughput among clean candidates (ties: the higher throughput).
 */
export function recommendWorkers<T extends Candidate>(candidates: readonly T[]): T | undefined {
  const clean = candidates.filter((c) => c.clean);
  const best = Math.max(0, ...clean.map((c) => c.throughput));
  return clean
    .filter((c) => c.throughput >= best * 0.95)
    .sort((a, b) => a.workers - b.workers || b.throughput - a.throughput)[0];
}
