/** Counters the mock keeps for `/_mock/stats`: requests by route label and status. */
export class MockStats {
  #total = 0;
  #byRoute = new Map<string, Map<number, number>>();
  readonly startedAt = Date.now();

  record(route: string, status: number): void {
    this.#total++;
    let statuses = this.#byRoute.get(route);
    if (statuses === undefined) this.#byRoute.set(route, (statuses = new Map<number, number>()));
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }

  reset(): void {
    this.#total = 0;
    this.#byRoute = new Map();
  }

  snapshot(): { total: number; byRoute: Record<string, Record<string, number>>; byStatus: Record<string, number> } {
    const byRoute: Record<string, Record<string, number>> = {};
    const byStatus: Record<string, number> = {};
    for (const [route, statuses] of [...this.#byRoute].sort(([a], [b]) => a.localeCompare(b))) {
      const entry: Record<string, number> = {};
      for (const [status, n] of statuses) {
        entry[String(status)] = n;
        byStatus[String(status)] = (byStatus[String(status)] ?? 0) + n;
      }
      byRoute[route] = entry;
    }
    return { total: this.#total, byRoute, byStatus };
  }
}
