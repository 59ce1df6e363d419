import { performance } from 'node:perf_hooks';
import { setMaxListeners } from 'node:events';
import { followSignal } from '../../util/followSignal.js';
import { emptyCounters, mergeCounters } from '../client/ClientCounters.js';
import { DataverseClient } from '../client/DataverseClient.js';
import { compressedClientTimes } from '../client/compressedClientTimes.js';
import type { TokenProvider } from '../client/auth/TokenProvider.js';
import { MeasurementSink } from '../metrics/MeasurementSink.js';
import { ResourceSampler } from '../metrics/ResourceSampler.js';
import type { StrategySpec } from '../strategies/strategyKinds.js';
import type { PlannedOperation } from '../operations/PlannedOperation.js';
import type { RunGates, WorkerOutcome } from '../strategies/StrategyContext.js';
import { descriptorOf } from '../strategies/descriptorOf.js';
import { WorkerLost } from '../strategies/workers/workerPool.js';
import type { WorkerTarget } from '../strategies/workers/workerProtocol.js';
import type { MeasuredRepetition } from './aggregateStrategy.js';
import { FailureMonitor, type Abort } from './FailureMonitor.js';
import { phasesOf } from '../scenario/phasesOf.js';

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
  /** Run the operations workload by workload, each to its end before the next (the scenario's `phases`). */
  readonly phases?: boolean;
}

/** One phase of a repetition: a workload run on its own. */
interface PhaseRun {
  readonly workload: number;
  readonly wallMs: number;
  /** Of `wallMs`, the part until its last operation ended (the rest is the workers winding down). */
  readonly workMs: number;
  readonly operations: number;
}

/** What one repetition measured, before the audit; `aborted` when the fail-fast monitor stopped it. */
export interface RepetitionRun extends Omit<MeasuredRepetition, 'integrity' | 'server' | 'result' | 'realWallMs'> {
  readonly wallMs: number;
  /** Of `wallMs`, the part until each phase's last operation ended: what a time-compressed run multiplies back. */
  readonly workMs: number;
  readonly startupMs: number;
  readonly meanWorkers: number | null;
  readonly aborted: Abort | undefined;
  readonly eventLoopDelayP99Ms: number;
  /** With phases: each phase's own wall time; empty without. */
  readonly phases: readonly PhaseRun[];
}

type StrategyOutcome = WorkerOutcome;

/** What one repetition's client, sink and stop signal are shared by: every phase of it. */
interface RepetitionParts {
  readonly client: DataverseClient;
  readonly sink: MeasurementSink;
  readonly stop: AbortSignal;
  readonly monitor: FailureMonitor;
  /** The first phase's workers are ready: the repetition's clock starts. */
  readonly onFirstReady: () => void;
}

/**
 * Runs the strategy over each phase in turn (one phase, all the operations, without the
 * scenario's `phases`), on one client and sink. Each phase is timed from its own workers'
 * readiness: starting workers again is set-up, not work.
 */
async function runPhases(
  input: RepetitionInput,
  parts: RepetitionParts,
): Promise<{
  phases: PhaseRun[];
  outcomes: StrategyOutcome[];
  wallMs: number;
  workMs: number;
  startupMs: number;
  meanWorkers: number | null;
  lost: Abort | undefined;
}> {
  const { spec } = input;
  const phases: PhaseRun[] = [];
  const outcomes: StrategyOutcome[] = [];
  let meanWorkers: number | null = null;
  let wallMs = 0;
  let workMs = 0;
  let startupMs = 0;
  let before = 0;
  let lost: Abort | undefined;
  for (const phase of phasesOf(input.ops, input.phases === true)) {
    if (parts.stop.aborted) break;
    const launched = performance.now();
    let started = launched;
    const done = before;
    const run = descriptorOf(spec).run({
      spec,
      ops: phase.ops,
      client: parts.client,
      sink: parts.sink,
      target: input.target,
      gates: input.gates,
      signal: parts.stop,
      onAdaptiveWindow: (m) => {
        meanWorkers = m;
      },
      onReady: () => {
        started = performance.now();
        if (outcomes.length === 0) parts.onFirstReady();
      },
      onProgress: (n) => {
        input.onProgress(done + n);
      },
      onWorkerOutcomes: (n, failed, cause) => {
        parts.monitor.observeTotals(done + n, failed, cause);
      },
    });
    try {
      outcomes.push(await (input.targetDied === undefined ? run : Promise.race([run, input.targetDied])));
    } catch (error) {
      if (!(error instanceof WorkerLost)) throw error;
      outcomes.push(error.outcome);
      // Every planned operation is accounted for: a lost worker's are neither done nor failed, so the strategy fails.
      lost = { reason: `${error.message}; its operation in flight and its measurements are lost`, fatal: false };
      break;
    }
    const phaseMs = performance.now() - started;
    const phaseWorkMs = Math.min(phaseMs, Math.max(0, parts.sink.lastEndedAt - (performance.timeOrigin + started)));
    const operations = phase.ops.reduce((a, op) => a + op.ops, 0);
    wallMs += phaseMs;
    workMs += phaseWorkMs;
    startupMs += started - launched;
    before += operations;
    if (phase.workload >= 0)
      phases.push({ workload: phase.workload, wallMs: phaseMs, workMs: phaseWorkMs, operations });
  }
  return { phases, outcomes, wallMs, workMs, startupMs, meanWorkers, lost };
}

/**
 * Runs one repetition of one strategy: its own client (sharing the run's Retry-After gates),
 * sink and resource sampler, the clock started once every worker is ready, and a monitor that
 * stops the strategy early when its outcomes say it cannot succeed.
 */
export async function runRepetition(input: RepetitionInput): Promise<RepetitionRun> {
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const unfollow = followSignal(input.signal, stop);
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
    ...compressedClientTimes(input.target.timeScale ?? 1),
  });
  const sink = new MeasurementSink(input.target.timeScale);
  sink.onOperations = (ok, failed, cause) => {
    monitor.observe(ok, failed, cause);
  };
  const sampler = new ResourceSampler();
  sampler.start();
  try {
    const { phases, outcomes, wallMs, workMs, startupMs, meanWorkers, lost } = await runPhases(input, {
      client,
      sink,
      stop: stop.signal,
      monitor,
      onFirstReady: () => {
        sink.startedAtEpochMs = Date.now();
        sampler.markReady();
      },
    });
    const outcome = {
      counters: outcomes.flatMap((o) => o.counters),
      children: outcomes.flatMap((o) => o.children),
    };
    const usage = sampler.stop();
    const counters = mergeCounters(
      mergeCounters(emptyCounters(), client.counters),
      outcome.counters.reduce((acc, c) => mergeCounters(acc, c), emptyCounters()),
    );
    const childCpuMs = outcome.children.reduce((a, c) => a + c.cpuUserMs + c.cpuSystemMs, 0);
    return {
      wallMs,
      workMs,
      startupMs,
      meanWorkers,
      phases,
      sink,
      counters,
      client: { ...usage, childCpuMs, childPeakRssBytes: outcome.children.reduce((a, c) => a + c.peakRssBytes, 0) },
      aborted: monitor.aborted ?? lost,
      eventLoopDelayP99Ms: usage.eventLoopDelayP99Ms,
    };
  } finally {
    sampler.stop();
    unfollow();
    await client.close();
  }
}
