import type { LoadedScenario } from '../../scenario/loadScenario.js';
import type { TargetSpec } from '../../target/resolveTarget.js';
import type { CliIo } from '../CliIo.js';

/** One scenario to run, where, and where its results go. */
export interface ScenarioJob {
  readonly loaded: LoadedScenario;
  readonly target: TargetSpec;
  readonly outDir: string;
}

/** What every scenario of a run shares: the flags, the user's interrupt, the streams. */
export interface JobContext<F extends { readonly allowWrites: boolean }> {
  readonly flags: F;
  readonly signal: AbortSignal;
  readonly io: CliIo;
}

/** The options a benchmark run and a load test both take from a job. */
export function jobRunOptions(
  job: ScenarioJob,
  context: JobContext<{ readonly allowWrites: boolean }>,
): { outDir: string; target: TargetSpec; signal: AbortSignal; allowWrites: boolean } {
  return { outDir: job.outDir, target: job.target, signal: context.signal, allowWrites: context.flags.allowWrites };
}
