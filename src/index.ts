/**
 * `dvbench`: the runner as a library. Everything exported here is public and documented in
 * the README ("Use it from your code"); the rest of `src/` is internal and may change.
 */
export { run } from './library/run.js';
export type { RunOptions, RunTarget } from './library/run.js';
export { loadScenario } from './library/loadScenario.js';
export type { LoadedScenario, LoadScenarioOptions } from './library/loadScenario.js';
export { compare } from './library/compare.js';
export type { CompareOptions } from './library/compare.js';
export type { Comparison, StrategyComparison } from './report/compare/compareRuns.js';
export type { RunResults, StrategyResult } from './runner/RunResults.js';
export type { RunEvents } from './runner/RunEvents.js';
export type { Scenario } from './scenario/scenarioSchema.js';
export type { AuthSpec } from './target/resolveTarget.js';
export { DvbenchError } from './errors/DvbenchError.js';
