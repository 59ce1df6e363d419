import type { Environment } from '../output/environment.js';
import type { MockCosts } from '../../mock-server/index.js';
import type { ErrorCause, LatencyPercentiles, RequestKind } from '../metrics/MeasurementSink.js';
import type { ThresholdOutcome } from './evaluateThresholds.js';
import type { Verdict } from './verdict.js';
import type { IntegrityReport } from './auditIntegrity.js';
import type { Summary } from '../metrics/statistics.js';
import type { Scenario } from '../scenario/scenarioSchema.js';

/** Bumped on any incompatible change to this shape; documented in docs/results.md. */
export const RESULTS_SCHEMA_VERSION = 2;

export interface RepetitionResult {
  /** From the first operation's start to the last one's end (workers already set up), in ms. */
  readonly wallMs: number;
  /** Setting up workers before the clock started (threads, processes: module loading, client, token), in ms. */
  readonly startupMs: number;
  /** For `adaptive`: the mean concurrency it ran at; null for fixed strategies. */
  readonly meanWorkers: number | null;
  readonly operations: number;
  readonly failedOperations: number;
  readonly requests: number;
  readonly opsPerSec: number;
  readonly requestsPerSec: number;
  readonly throttled: number;
  readonly retries: number;
  readonly clientCpuMs: number;
  readonly serverCpuMs: number | null;
  /** Records per table on the target after this repetition (mock only). */
  readonly records: Readonly<Record<string, number>> | null;
  /**
   * Hash of the starting data and of the plan: equal across strategies means they did the same work
   * on the same data.
   */
  readonly dataFingerprint: string;
  readonly planFingerprint: string;
  /** With the scenario's `phases`: each workload run on its own, in order; absent without. */
  readonly phases?: readonly PhaseResult[] | undefined;
}

/** One phase of a repetition (a workload run to its end before the next), or their mean over repetitions. */
export interface PhaseResult {
  readonly workload: number;
  readonly name: string;
  readonly operations: number;
  readonly wallMs: number;
  readonly opsPerSec: number;
}

/** One slice of a strategy's work: a workload, or a request kind. */
export interface SliceResult {
  readonly operations: number;
  readonly failedOperations: number;
  readonly requests: number;
  /** Response time of the requests that carried this slice's operations. */
  readonly latencyMs: LatencyPercentiles;
  /** Its HDR histogram (microseconds, compressed base64), for exact merging. */
  readonly histogram: string;
}

export interface StrategyResult {
  readonly name: string;
  readonly kind: string;
  /**
   * ok, degraded (failures within maxErrorRate) or failed, with the reasons; a failed strategy has
   * no speedup and is never fastest or recommended.
   */
  readonly verdict: Verdict;
  /** Why the strategy was stopped early (fail fast), or null. */
  readonly aborted: string | null;
  /** Operations (or requests, for batch and bulk) in flight at once. */
  readonly workers: number;
  readonly parameters: Readonly<Record<string, number | boolean>>;
  /** Every measured repetition finished (false after an interruption). */
  readonly complete: boolean;
  readonly repetitions: readonly RepetitionResult[];
  readonly wallMs: Summary;
  /** Sequential's mean wall time ÷ this one's; null without a sequential strategy. */
  readonly speedup: number | null;
  /** Speedup ÷ workers; null for batch and bulk (many operations per request) and without a sequential strategy. */
  readonly efficiency: number | null;
  /** Sequential's mean wall time minus this one's, as a share of sequential's: the paper's "efficiency gain". */
  readonly timeReduction: number | null;
  readonly throughput: {
    readonly opsPerSec: number;
    readonly requestsPerSec: number;
    /**
     * On the embedded mock with a calibrated profile: the 90% interval the org's throughput
     * should fall in, from the spread of the calibration's held-out errors. Absent otherwise.
     */
    readonly interval?: ThroughputInterval | undefined;
  };
  /**
   * Response time per request of the strategy's own kind (retries and Retry-After waits
   * included), over all measured repetitions: `$batch` requests for batch, changesets for
   * transaction, bulk messages for bulk (when it sent any), single requests otherwise.
   */
  readonly latencyMs: LatencyPercentiles;
  /** Which request kind `latencyMs` describes. */
  readonly latencyOf: RequestKind;
  /** With the scenario's `phases`: each phase's mean wall time and throughput over the measured repetitions. */
  readonly phases?: readonly PhaseResult[] | undefined;
  /** Per workload of the scenario, in order: what its operations did and met. */
  readonly byWorkload: readonly (SliceResult & { readonly workload: number; readonly name: string })[];
  /** Per request kind that was sent. */
  readonly byRequestKind: Readonly<Partial<Record<RequestKind, SliceResult>>>;
  /** Service time of the last attempt of each request. */
  readonly serviceTimeMs: LatencyPercentiles;
  readonly operations: number;
  readonly requests: number;
  readonly recordsRead: number;
  /** Failed operations over all measured repetitions, their share, and each distinct cause. */
  readonly errors: {
    readonly total: number;
    readonly rate: number;
    readonly byKind: Readonly<Record<string, number>>;
    readonly causes: readonly ErrorCause[];
  };
  readonly throttled: { readonly total: number; readonly byCode: Readonly<Record<string, number>> };
  readonly retries: number;
  readonly retryWaitMs: number;
  /**
   * How the requests spread over the org's web servers, told apart by the ARRAffinity cookie
   * each answer set (first 8 characters). Absent in results written before dvbench knew of it.
   */
  readonly webServers?: { readonly seen: number; readonly responses: Readonly<Record<string, number>> } | undefined;
  readonly client: {
    /** Client CPU over wall time, % of one core (threads and processes can pass 100). */
    readonly cpuPercent: number;
    readonly cpuUserMs: number;
    readonly cpuSystemMs: number;
    /** Client CPU per request sent, µs: the harness's own cost (null when nothing was sent). */
    readonly cpuMicrosPerRequest?: number | null | undefined;
    /** Cores the client could keep busy: 1 for one event loop, else the workers (up to the machine's cores). */
    readonly cores?: number | undefined;
    /** The load generator set the pace: its CPU at ≥ 90% of those cores, or event-loop delay p99 over 50 ms. */
    readonly generatorBound?: boolean | undefined;
    readonly peakRssBytes: number;
    readonly heapUsedBytes: number;
    readonly eventLoopDelayP99Ms: number;
  };
  readonly server: {
    readonly cpuPercent: number;
    readonly cpuUserMs: number;
    readonly cpuSystemMs: number;
    readonly peakRssBytes: number;
    readonly busyMs: number;
    readonly queuePeak: number;
  } | null;
  /** Throughput and 429s over time in the last measured repetition, in 250 ms buckets. */
  readonly timeline: readonly { readonly t: number; readonly opsPerSec: number; readonly throttled: number }[];
  /** The data-integrity audit after every measured repetition (mock target). */
  readonly integrity: {
    readonly ok: boolean;
    readonly problemCount: number;
    readonly problems: readonly string[];
    readonly checked: IntegrityReport['checked'] | null;
  };
  /** HDR histograms (microseconds, compressed base64) so runs and shards can be merged exactly. */
  readonly histograms: { readonly response: string; readonly service: string; readonly latency: string };
  readonly warnings: readonly string[];
}

export interface RunResults {
  readonly schemaVersion: number;
  /**
   * The run's verdict, which every output renders and the exit code follows: the worst of its
   * strategies', failed when the run could not go on or a threshold was missed, interrupted
   * when a signal stopped it.
   */
  readonly verdict: Verdict;
  /** Each of the scenario's thresholds, judged: passed, missed or skipped (and why). */
  readonly thresholds: readonly ThresholdOutcome[];
  readonly runId: string;
  readonly scenarioFile: string;
  readonly scenario: Scenario;
  readonly target: { readonly kind: 'mock' | 'org'; readonly url: string };
  /** Where the embedded mock's costs came from; null on an org (and in files written before profiles). */
  readonly mockCosts: MockCosts | null;
  /**
   * How many times faster than the org's the embedded mock's clock ran (its `timeScale`): every
   * time, rate and latency here is the org's, measured that much faster and multiplied back;
   * CPU, memory and start-up are the machine's own. 1 on an org.
   */
  readonly timeScale: number;
  readonly environment: Environment;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly partial: boolean;
  readonly interruption: string | null;
  readonly plan: {
    readonly operations: number;
    readonly items: number;
    readonly byKind: Readonly<Record<string, number>>;
  };
  readonly strategies: readonly StrategyResult[];
  readonly fastest: string | null;
  readonly recommended: string | null;
  /** False when any strategy's audit found a lost, duplicated or wrong write: the run fails (exit 1). */
  readonly integrity: { readonly ok: boolean; readonly failed: readonly string[] };
  /** This run's slice (`--shard i/n`), or null for a whole run; a merge of all shards says `{ index: 0, count: n }`. */
  readonly shard: { readonly index: number; readonly count: number } | null;
  /** The strategies `--strategies` chose, or null for all: thresholds on the others are skipped. */
  readonly selectedStrategies: readonly string[] | null;
  /**
   * Work on the target that was not measured: creating the scenario's data (on an org through the
   * Web API; on the mock through its admin API), putting it back between repetitions, and
   * deleting what the run created. Absent in files written before it was reported.
   */
  readonly setup?:
    | {
        readonly ms: number;
        readonly requests: number;
        readonly created: number;
        readonly deleted: number;
      }
    | null
    | undefined;
  readonly warnings: readonly string[];
}

/** A predicted throughput's interval, ops/s. */
interface ThroughputInterval {
  readonly low: number;
  readonly high: number;
  readonly confidence: 0.9;
}
