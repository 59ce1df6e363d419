import type { SetupProgress } from '../target/RunTarget.js';
import type { RunResults, StrategyResult } from './RunResults.js';

/** Events a reporter can listen to; none of them sits inside the measuring loop. */
export interface RunEvents {
  start: [
    {
      scenario: string;
      strategies: string[];
      operations: number;
      target: string;
      targetKind: 'mock' | 'org';
      /**
       * Each strategy's measured repetition, ms, from the cost model (src/estimate/), and the
       * work around it (reset, audit, workers starting): the progress ETA starts from these.
       */
      estimates: { name: string; repetitionMs: number; overheadMs: number }[];
      /** Repetitions each strategy runs, warm-up included. */
      repetitionsEach: number;
      /** The mock's time compression: estimates and repetitions' times are the org's, this much slower than real. */
      timeScale: number;
    },
  ];
  'strategy-start': [
    { name: string; index: number; count: number; repetitions: number; warmup: number; operations: number },
  ];
  progress: [{ name: string; repetition: number; warmup: boolean; done: number; total: number }];
  /** A repetition ended; its wall time and throughput in the org's time. */
  repetition: [
    { name: string; repetition: number; warmup: boolean; wallMs: number; opsPerSec: number; failed: number },
  ];
  'strategy-end': [StrategyResult];
  /** Work on the target that is not measured: creating the scenario's data, restoring it, deleting it. */
  setup: [SetupProgress];
  warning: [string];
  done: [RunResults];
}
