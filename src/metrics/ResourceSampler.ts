import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface ResourceUsage {
  /** CPU from `markReady` (or `start`) to `stop`: the measured work, not worker start-up. */
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  readonly peakRssBytes: number;
  readonly heapUsedBytes: number;
  /** Event-loop delay of this process, p99 and mean, in ms: high values mean the load generator itself was busy. */
  readonly eventLoopDelayP99Ms: number;
  readonly eventLoopDelayMeanMs: number;
  /** CPU spent between `start` and `markReady` (starting worker threads), in ms. */
  readonly startupCpuMs: number;
}

/**
 * Measures this process between `start` and `stop`: CPU (all its threads), peak RSS sampled
 * every 50 ms, heap, and event-loop delay.
 */
export class ResourceSampler {
  #cpu: NodeJS.CpuUsage | undefined;
  #startupCpuMs = 0;
  #peakRss = 0;
  #peakHeap = 0;
  #timer: NodeJS.Timeout | undefined;
  #loop: IntervalHistogram | undefined;

  start(): void {
    this.#cpu = process.cpuUsage();
    this.#peakRss = process.memoryUsage.rss();
    this.#peakHeap = process.memoryUsage().heapUsed;
    this.#loop = monitorEventLoopDelay({ resolution: 10 });
    this.#loop.enable();
    this.#timer = setInterval(() => {
      this.#peakRss = Math.max(this.#peakRss, process.memoryUsage.rss());
      this.#peakHeap = Math.max(this.#peakHeap, process.memoryUsage().heapUsed);
    }, 50);
    this.#timer.unref();
  }

  /** The workers are ready: CPU from here on is the work's. */
  markReady(): void {
    const startup = process.cpuUsage(this.#cpu);
    this.#startupCpuMs = (startup.user + startup.system) / 1000;
    this.#cpu = process.cpuUsage();
  }

  stop(): ResourceUsage {
    const cpu = process.cpuUsage(this.#cpu);
    clearInterval(this.#timer);
    this.#loop?.disable();
    const loop = this.#loop;
    this.#peakRss = Math.max(this.#peakRss, process.memoryUsage.rss());
    return {
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      peakRssBytes: this.#peakRss,
      heapUsedBytes: this.#peakHeap,
      eventLoopDelayP99Ms: loop === undefined || loop.count === 0 ? 0 : loop.percentile(99) / 1e6,
      eventLoopDelayMeanMs: loop === undefined || loop.count === 0 ? 0 : loop.mean / 1e6,
      startupCpuMs: this.#startupCpuMs,
    };
  }
}
