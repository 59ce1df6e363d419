import { join, resolve } from 'node:path';
import { MockConfigError, resolveProfile } from '../../../mock-server/index.js';
import { EXIT, errorCatalogue } from '../../errors/errorCatalogue.js';
import { writeFileAtomic, writeJsonAtomic } from '../../output/writeJsonAtomic.js';
import { attachProgressReporter } from '../../report/attachProgressReporter.js';
import {
  checkPrediction,
  PREDICTION_HEADER,
  predictionHeadline,
  predictionRows,
} from '../../report/compare/checkPrediction.js';
import { renderPredictionHtml, renderPredictionMarkdown } from '../../report/compare/renderPrediction.js';
import { textTable } from '../../report/formatSummaryTable.js';
import { writeReports } from '../../report/writeReports.js';
import type { RunResults } from '../../runner/RunResults.js';
import { ScenarioRun } from '../../runner/ScenarioRun.js';
import { loadScenario } from '../../scenario/loadScenario.js';
import { resolveTarget, type TargetSpec } from '../../target/resolveTarget.js';
import { checkTargetSafety } from '../../target/targetSafety.js';
import { interruptOnSignals } from '../interruptOnSignals.js';
import { defineCommand, intFlag } from '../parseCommandArgs.js';

export const predictHelp = `Usage: dvbench predict <scenario> --profile <name|file> [options]

Checks a prediction: runs the scenario on the embedded mock with the profile (what the mock
predicts), then the same file unchanged on the org (what the org does), and prints and writes,
per strategy and per workload, predicted and measured throughput and p50/p95 latency with the
error of each. A strategy's throughput is judged against the accuracy the profile states (a
calibrated profile's largest validation error, fit.maxAbsErrorPercent); a profile that states
none is reported, not judged.

Options:
  --profile <p>        the profile to check: a file 'dvbench calibrate' wrote, or a built-in name
  --target <url>       the org (else DATAVERSE_URL); credentials from the environment, as for run
  --allow-writes       the scenario writes into the org (its data:, inserts, updates...): needed,
                       as for run; every record is listed and deleted after the run
  --out <dir>          output folder (default reports/<scenario>-prediction-<timestamp>/)
  --repeat <n>         measured repetitions per strategy, on both targets
  --warmup <n>         warm-up repetitions per strategy, on both targets
  --strategies <a,b>   only these strategies
  --quiet              no progress output
  -h, --help           show this help

Writes <out>/predicted/ and <out>/measured/ (each a run's results.json and reports),
<out>/prediction.json, <out>/prediction.md and <out>/report.html (the two side by side).

Exit codes: 0 every strategy within the stated accuracy (or none stated), 1 a strategy outside
it or a run failed, 2 invalid input, 130 interrupted.
`;

const OPTIONS = {
  profile: { type: 'string' },
  target: { type: 'string' },
  'allow-writes': { type: 'boolean' },
  out: { type: 'string' },
  repeat: { type: 'string' },
  warmup: { type: 'string' },
  strategies: { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

/** The accuracy a profile states: its calibration's largest validation error, in %. */
function statedAccuracy(profile: string): number | null {
  try {
    const fit = resolveProfile(profile).profile.profile.fit;
    return fit?.maxAbsErrorPercent ?? null;
  } catch (error) {
    if (error instanceof MockConfigError) throw errorCatalogue.DVB_ERR_USAGE(`--profile: ${error.problems.join('; ')}`);
    throw error;
  }
}

function orgTarget(flag: string | undefined): Extract<TargetSpec, { kind: 'org' }> {
  const target = resolveTarget({ flag, env: process.env });
  if (target.kind !== 'org')
    throw errorCatalogue.DVB_ERR_TARGET_CONFIG(
      'dvbench predict: the measurement needs an org: set DATAVERSE_URL (and its credentials) ' +
        'or give --target <url>. To run on the mock alone: dvbench run <scenario> --profile <p>.',
    );
  return target;
}

export const predictCommand = defineCommand(
  { name: 'predict', help: predictHelp, options: OPTIONS, positionals: true },
  async ({ values, positionals }, io) => {
    const [file, extra] = positionals;
    if (file === undefined || extra !== undefined || values.profile === undefined)
      throw errorCatalogue.DVB_ERR_USAGE(
        "dvbench predict: give one scenario file and --profile <name|file>. See 'dvbench predict --help'.",
      );
    const profile = values.profile;
    const accuracy = statedAccuracy(profile);
    const org = orgTarget(values.target);
    const onMock = await loadScenario(file, { profile, target: 'mock' });
    const onOrg = await loadScenario(file, { checkNames: false, target: 'org' });
    const allowWrites = values['allow-writes'] === true;
    checkTargetSafety(onOrg.scenario, org, allowWrites);
    const out = resolve(values.out ?? `reports/${onMock.scenario.name}-prediction-${Date.now().toString(36)}`);
    const repetitions = intFlag('predict', 'repeat', values.repeat, 1, 100);
    const warmup = intFlag('predict', 'warmup', values.warmup, 0, 20);
    const only = values.strategies?.split(',').map((s) => s.trim());
    const shared = { repetitions, warmup, only };
    const interrupt = interruptOnSignals(io.stderr);
    const runs: RunResults[] = [];
    try {
      for (const [side, loaded, target] of [
        ['predicted', onMock, { kind: 'mock' } as const],
        ['measured', onOrg, org],
      ] as const) {
        io.stderr.write(
          `dvbench predict: ` +
            `${side} on ${target.kind === 'mock' ? `the embedded mock, profile ${profile}` : target.url}\n`,
        );
        const run = new ScenarioRun(loaded, {
          outDir: join(out, side),
          target,
          allowWrites,
          signal: interrupt.signal,
          ...shared,
        });
        attachProgressReporter(run, io.stderr, { quiet: values.quiet === true });
        const results = await run.run();
        await writeReports(join(out, side), results);
        runs.push(results);
        if (interrupt.signal.aborted)
          throw errorCatalogue.DVB_ERR_INTERRUPTED(`dvbench predict: interrupted; partial results in ${out}`);
      }
    } finally {
      interrupt.dispose();
    }
    const [predicted, measured] = runs as [RunResults, RunResults];
    const check = checkPrediction(predicted, measured, accuracy);
    await writeJsonAtomic(join(out, 'prediction.json'), check);
    await writeFileAtomic(join(out, 'prediction.md'), renderPredictionMarkdown(check, predicted, measured));
    await writeFileAtomic(join(out, 'report.html'), renderPredictionHtml(check, predicted, measured));
    const table = textTable(PREDICTION_HEADER, predictionRows(check));
    io.stdout.write(
      `\n${predictionHeadline(check)}\n\n` +
        `${[table.header, ...table.rows].join('\n')}\n\nprediction: ` +
        `${join(out, 'prediction.md')} (and prediction.json, report.html)\n`,
    );
    const failedRun = runs.some((r) => r.verdict.status === 'failed');
    return failedRun || check.withinAccuracy === false ? EXIT.failed : EXIT.ok;
  },
);
