import { errorCatalogue } from '../errors/errorCatalogue.js';
import type { AuthSpec, TargetSpec } from '../target/resolveTarget.js';
import { writeReports } from '../report/writeReports.js';
import type { RunResults } from '../runner/RunResults.js';
import { ScenarioRun } from '../runner/ScenarioRun.js';
import type { RunEvents } from '../runner/RunEvents.js';
import type { LoadedScenario } from '../scenario/loadScenario.js';
import { loadScenario, type LoadScenarioOptions } from './loadScenario.js';

/** Where a run sends its requests. */
export type RunTarget =
  | 'mock'
  | {
      /** The org's URL, e.g. `https://contoso.crm.dynamics.com`. */
      readonly url: string;
      /** A bearer token for it; or `identities` for dvbench to sign in (and refresh) itself. */
      readonly token?: string;
      readonly identities?: readonly AuthSpec[];
    };

export interface RunOptions extends LoadScenarioOptions {
  /** Folder for results.json and the reports; created if missing, locked while the run lasts. */
  readonly outDir: string;
  /** @default 'mock': the embedded mock, started and stopped by the run */
  readonly target?: RunTarget;
  /** Write report.md, report.html, charts and junit.xml beside results.json. @default true */
  readonly reports?: boolean;
  /** Override the scenario's repetitions and warm-up. */
  readonly repetitions?: number;
  readonly warmup?: number;
  /** Run only these strategies, by name (`sequential`, `async:8`, …). */
  readonly strategies?: readonly string[];
  /** Against an org: allow workloads that create records. */
  readonly allowWrites?: boolean;
  /** Aborting stops the run; results.json keeps what finished. */
  readonly signal?: AbortSignal;
  /** Listeners for the runner's events (progress, each strategy's result, warnings). */
  readonly on?: { readonly [E in keyof RunEvents]?: (...args: RunEvents[E]) => void };
}

function targetSpec(target: RunTarget | undefined): TargetSpec {
  if (target === undefined || target === 'mock') return { kind: 'mock' };
  const identities =
    target.identities ?? (target.token === undefined ? [] : [{ method: 'token', token: target.token }]);
  if (identities.length === 0)
    throw errorCatalogue.DVB_ERR_TARGET_CONFIG('run: target needs a token or identities to sign in to the org');
  return { kind: 'org', url: target.url, identities, source: '--target' };
}

/**
 * Runs a scenario (a file, an object, or one `loadScenario` returned) as `dvbench run` does,
 * and answers its results (the shape of results.json, documented in docs/results.md). A failed
 * run is not an exception: read `results.verdict`. Throws a `DvbenchError` for bad input.
 */
export async function run(
  scenario: string | Readonly<Record<string, unknown>> | LoadedScenario,
  options: RunOptions,
): Promise<RunResults> {
  const target = targetSpec(options.target);
  const loaded =
    typeof scenario === 'object' && 'mockCosts' in scenario && 'path' in scenario
      ? (scenario as LoadedScenario)
      : await loadScenario(scenario, {
          ...options,
          checkNames: options.checkNames ?? target.kind === 'mock',
        });
  if (loaded.scenario.load !== undefined)
    throw errorCatalogue.DVB_ERR_USAGE(
      `${loaded.path}: a load test (it has a load section); run it with 'dvbench run' (the ` +
        `library's run() runs benchmarks)`,
    );
  const runner = new ScenarioRun(loaded, {
    outDir: options.outDir,
    target,
    signal: options.signal,
    allowWrites: options.allowWrites,
    repetitions: options.repetitions,
    warmup: options.warmup,
    only: options.strategies,
  });
  for (const [event, listener] of Object.entries(options.on ?? {})) runner.on(event as keyof RunEvents, listener);
  const results = await runner.run();
  if (options.reports !== false) await writeReports(options.outDir, results);
  return results;
}
