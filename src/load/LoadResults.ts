import type { MockCosts } from '../../mock-server/index.js';
import type { LatencyPercentiles } from '../metrics/MeasurementSink.js';
import type { Environment } from '../output/environment.js';
import type { LoadSpec } from '../scenario/loadSchema.js';
import type { LoadPoint } from './LoadSeries.js';
import type { SloResult } from './SloTracker.js';

/** A soak signal: how a figure moved over the run (least-squares slope), and whether that is growth. */
export interface Trend {
  readonly start: number;
  readonly end: number;
  /** Change per minute. */
  readonly perMinute: number;
  /** It grew by more than 20% from the fitted start to the fitted end. */
  readonly growing: boolean;
}

/** results.json of a load run (`kind: "load"`): what `dvbench run` writes for a scenario with `load`. */
export interface LoadResults {
  readonly kind: 'load';
  readonly schemaVersion: 1;
  readonly runId: string;
  readonly scenarioFile: string;
  readonly scenarioName: string;
  readonly target: string;
  readonly mockCosts: MockCosts | null;
  readonly environment: Environment;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  /** True until the run has ended; a file left partial was interrupted. */
  readonly partial: boolean;
  /** Why the run ended before its stages did: an objective lost (abortOnFail), an interruption, an error. */
  readonly stoppedEarly: string | null;
  /** Said at the start: a plan that cannot fit the service protection limits (maxInFlight, requests per window). */
  readonly warnings: readonly string[];
  readonly verdict: { readonly status: 'ok' | 'failed'; readonly reasons: readonly string[] };
  readonly load: LoadSpec;
  /**
   * How many times faster than the org's the embedded mock's clock ran; every time, rate and
   * latency in the file is the org's (1 on an org).
   */
  readonly timeScale: number;
  /** Planned length and the length run, s, in the org's time. */
  readonly plannedSeconds: number;
  readonly elapsedSeconds: number;
  /** The length run on this machine's clock, s: `elapsedSeconds` ÷ `timeScale`. */
  readonly realSeconds: number;
  readonly arrivals: {
    readonly planned: number;
    readonly due: number;
    readonly sent: number;
    readonly dropped: number;
    readonly late: number;
    /** Sent but cancelled unanswered: in flight at the graceful stop, or when the run was stopped. */
    readonly interrupted: number;
  };
  readonly operations: number;
  readonly failed: number;
  readonly throttledOps: number;
  readonly throttledByCode: Readonly<Record<string, number>>;
  readonly retries: number;
  /** Latency from each operation's intended start, over the whole run, ms. */
  readonly latencyMs: LatencyPercentiles;
  readonly byWorkload: readonly {
    readonly name: string;
    readonly operations: number;
    readonly failed: number;
    readonly latencyMs: LatencyPercentiles;
  }[];
  readonly errors: readonly { readonly kind: string; readonly count: number; readonly message: string }[];
  readonly slos: readonly SloResult[];
  /** Stage boundaries, s from the start, for the charts. */
  readonly stageBoundaries: readonly number[];
  readonly series: readonly LoadPoint[];
  /** Trends over the constant-rate stages (null with fewer than 5 points there). */
  readonly soak: { readonly clientRssMb: Trend | null; readonly p95Ms: Trend | null };
}
