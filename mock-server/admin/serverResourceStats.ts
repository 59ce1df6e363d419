/** The mock process's own CPU and memory, so the harness can report what the server cost. */
export function serverResourceStats(): {
  cpuUserMs: number;
  cpuSystemMs: number;
  rssBytes: number;
  peakRssBytes: number;
  heapUsedBytes: number;
} {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    cpuUserMs: Math.round(cpu.user / 1000),
    cpuSystemMs: Math.round(cpu.system / 1000),
    rssBytes: memory.rss,
    // resourceUsage().maxRSS is in kilobytes.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    heapUsedBytes: memory.heapUsed,
  };
}
