import { setMaxListeners } from 'node:events';
import { followSignal } from '../../util/followSignal.js';
import { lockOutputFolder } from './outputFolder.js';

/** What every run (benchmark, load test) holds from start to end, around its target. */
export interface RunSkeleton {
  /** Aborted when the user interrupts, or when the run stops itself (a target that failed). */
  readonly stopping: AbortController;
  /** Stops following the user's signal and releases the output folder. */
  close(): Promise<void>;
}

/**
 * The skeleton the benchmark run and the load test share: the output folder locked (a second
 * run into it is refused while this one lives), and the user's signal followed by the run's
 * own controller, which every in-flight request listens to.
 */
export async function openRun(options: { outDir: string; signal?: AbortSignal | undefined }): Promise<RunSkeleton> {
  const release = await lockOutputFolder(options.outDir);
  const stopping = new AbortController();
  // Every in-flight request listens to this signal; hundreds at once are expected, not a leak.
  setMaxListeners(0, stopping.signal);
  const unlink = followSignal(options.signal, stopping, 'interrupted');
  return {
    stopping,
    async close() {
      unlink();
      await release();
    },
  };
}
