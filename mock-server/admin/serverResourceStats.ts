/** The mock process's own CPU and memory, so the harness can report what the server cost. */
export function serverResourceStats(): {
  cpuUserMs: number;
  cpuSystemMs: number;
  rssBytes: number;
  peakRssBytes: number;
  heapUsedBytes: number;
  eventLoopActiveMs: number;
  eventLoopIdleMs: number;
} {
  // Cumulative: a client takes the difference of two snapshots for the share of a span the loop was busy.
  const loop = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    cpuUserMs: Math.round(cpu.user / 1000),
    cpuSystemMs: Math.round(cpu.system / 1000),
    rssBytes: memory.rss,
    // resourceUsage().maxRSS is in kilobytes.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    heapUsedBytes: memory.heapUsed,
    eventLoopActiveMs: Math.round(loop.active),
    eventLoopIdleMs: Math.round(loop.idle),
  };
}
