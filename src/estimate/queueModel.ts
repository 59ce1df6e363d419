/**
 * A closed queueing model of one strategy against the target, solved by exact Mean Value
 * Analysis (Reiser and Lavenberg) with Seidmann's approximation for multi-server stations: N
 * clients, each sending one request at a time, through
 * - a delay (round trip, the client's own time),
 * - the web servers: `servers` slots, each held for a request's whole service time,
 * - one lock every web server shares: the serialized part (the database),
 * - the machine's cores, which the client and an embedded mock share.
 * It gives the throughput the mock's capacity model allows, queueing included, so an estimate
 * near the knee is not the optimistic minimum of the bounds.
 */
export interface QueueInput {
  /** Requests in flight at once (the strategy's concurrency). */
  readonly clients: number;
  /** Per request, ms: time in no queue (round trip, latency of the client's own path). */
  readonly delayMs: number;
  /** Per request, ms: the server's service time. */
  readonly serviceMs: number;
  /** Web-server slots in all (capacity × web servers); Infinity for no limit. */
  readonly servers: number;
  /** Share of the service time under the shared lock. */
  readonly serializedFraction: number;
  /** The mock's `contention` κ: service time grows by κ for every other request the org has in progress. */
  readonly contention?: number;
  /** Per request, ms of CPU on this machine (client and embedded mock), and the cores it has. */
  readonly cpuMs: number;
  readonly cores: number;
}

/** A multi-server station as Seidmann: a queue of demand D/m, and D(m−1)/m of pure delay. */
function seidmann(demand: number, servers: number): { queue: number; delay: number } {
  if (!Number.isFinite(servers)) return { queue: 0, delay: demand };
  return { queue: demand / servers, delay: (demand * (servers - 1)) / servers };
}

/** Requests per ms the system completes with `clients` in it. */
export function throughputPerMs(input: QueueInput): number {
  // A request holds its web-server slot for its whole service time, the serialized part (spent
  // under the shared lock) included: the slot station takes all of it, and the lock's share is
  // taken back out of the delay so that one request alone still costs exactly its service time.
  const cpu = seidmann(input.cpuMs, input.cores);
  const kappa = input.contention ?? 0;
  const queues = [0, 0, 0];
  let throughput = 0;
  for (let n = 1; n <= Math.max(1, input.clients); n++) {
    // Contention makes the service time depend on the load: the requests at the org, which are
    // those not on their way there or back (Little's law on the delay, at the last population).
    const atOrg = n === 1 ? 1 : Math.max(1, n - throughput * input.delayMs);
    const serviceMs = input.serviceMs * (1 + kappa * (atOrg - 1));
    const locked = serviceMs * input.serializedFraction;
    const web = seidmann(serviceMs, input.servers);
    const delay = input.delayMs + Math.max(0, web.delay - locked) + cpu.delay;
    const demands = [web.queue, locked, cpu.queue];
    const residence = demands.map((d, k) => d * (1 + (queues[k] ?? 0)));
    const cycle = delay + residence.reduce((a, r) => a + r, 0);
    throughput = cycle > 0 ? n / cycle : Number.POSITIVE_INFINITY;
    residence.forEach((r, k) => (queues[k] = throughput * r));
  }
  return throughput;
}
