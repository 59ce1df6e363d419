import { performance } from 'node:perf_hooks';
import { setMaxListeners } from 'node:events';
import { emptyCounters, mergeCounters } from '../client/ClientCounters.js';
import { DataverseClient } from '../client/DataverseClient.js';
import type { TokenProvider } from '../client/auth/TokenProvider.js';
import { MeasurementSink } from '../metrics/MeasurementSink.js';
import { ResourceSampler } from '../metrics/ResourceSampler.js';
import type { StrategySpec } from '../scenario/expandStrategies.js';
import type { PlannedOperation } from '../scenario/PlannedOperation.js';
import type { RunGates } from '../strategies/StrategyContext.js';
import { strategyRegistry } from '../strategies/strategyRegistry.js';
import type { WorkerTarget } from '../strategies/workerProtocol.js';
import type { MeasuredRepetition } from './aggregateStrategy.js';
import { FailureMonitor, type Abort } from './FailureMonitor.js';

export interface RepetitionInput {
  readonly spec: StrategySpec;
  readonly ops: readonly PlannedOperation[];
  readonly targetUrl: string;
  readonly target: WorkerTarget;
  readonly identities: readonly TokenProvider[];
  readonly gates: RunGates;
  readonly connections: number | undefined;
  readonly failFast: number;
  /** The run's stop signal (interrupt, or the embedded mock died). */
  readonly signal: AbortSignal;
  /** Rejects when the target's own process dies under the run (embedded mock). */
  readonly targetDied: Promise<never> | undefined;
  readonly onProgress: (done: number) => void;
}

/** What one repetition measured, before the audit; `aborted` when the fail-fast monitor stopped it. */
export interface RepetitionRun extends Omit<MeasuredRepetition, 'integrity' | 'server' | 'result'> {
  readonly wallMs: number;
  readonly startupMs: number;
  readonly meanWorkers: number | null;
  readonly aborted: Abort | undefined;
  readonly eventLoopDelayP99Ms: number;
}

/**
 * Runs one repetition of one strategy: its own client (sharing the run's Retry-After gates),
 * sink and resource sampler, the clock started once every worker is ready, and a monitor that
 * stops the strategy early when its outcomes say it cannot succeed.
 */
export async function runRepetition(input: RepetitionInput): Promise<RepetitionRun> {
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const forward = (): void => {
    stop.abort(input.signal.reason);
  };
  if (input.signal.aborted) forward();
  else input.signal.addEventListener('abort', forward, { once: true });
  const monitor = new FailureMonitor(input.failFast, (abort) => {
    stop.abort(abort.reason);
  });
  const { spec } = input;
  const client = new DataverseClient({
    url: input.targetUrl,
    identities: input.identities,
    gates: input.gates.gates,
    connections: input.connections ?? Math.max(1, spec.concurrency),
    affinityCookie: input.target.affinityCookie ?? false,
    bypassCustomLogic: input.target.bypassCustomLogic ?? false,
    signal: stop.signal,
  });
  const sink = new MeasurementSink();
  sink.onOperations = (ok, failed, cause) => {
    monitor.observe(ok, failed, cause);
  };
  const sampler = new ResourceSampler();
  sampler.start();
  const launched = performance.now();
  let t0 = launched;
  let meanWorkers: number | null = null;
  try {
    const run = strategyRegistry[spec.kind].run({
      spec,
      ops: input.ops,
      client,
      sink,
      target: input.target,
      gates: input.gates,
      signal: stop.signal,
      onAdaptiveWindow: (m) => {
        meanWorkers = m;
      },
      onReady: () => {
        t0 = performance.now();
        sink.startedAtEpochMs = Date.now();
        sampler.markReady();
      },
      onProgress: input.onProgress,
      onWorkerOutcomes: (done, failed, cause) => {
        monitor.observeTotals(done, failed, cause);
      },
    });
    const outcome = await (input.targetDied === undefined ? run : Promise.race([run, input.targetDied]));
    const wallMs = performance.now() - t0;
    const usage = sampler.stop();
    const counters = mergeCounters(
      mergeCounters(emptyCounters(), client.counters),
      outcome.counters.reduce((acc, c) => mergeCounters(acc, c), emptyCounters()),
    );
    const childCpuMs = outcome.children.reduce((a, c) => a + c.cpuUserMs + c.cpuSystemMs, 0);
    return {
      wallMs,
      startupMs: t0 - launched,
      meanWorkers,
      sink,
      counters,
      client: { ...usage, childCpuMs, childPeakRssBytes: outcome.children.reduce((a, c) => a + c.peakRssBytes, 0) },
      aborted: monitor.aborted,
      eventLoopDelayP99Ms: usage.eventLoopDelayP99Ms,
    };
  } finally {
    sampler.stop();
    input.signal.removeEventListener('abort', forward);
    await client.close();
  }
}
