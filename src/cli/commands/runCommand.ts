import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { resolveTarget } from '../../client/target/resolveTarget.js';
import { EXIT, errorCatalogue } from '../../errors/errorCatalogue.js';
import { attachProgressReporter } from '../../report/attachProgressReporter.js';
import { formatSummaryTable } from '../../report/formatSummaryTable.js';
import { writeSuiteSummary, type SuiteEntry } from '../../report/writeSuiteSummary.js';
import { writeReports } from '../../report/writeReports.js';
import { dirname } from 'node:path';
import { ScenarioRun } from '../../runner/runScenario.js';
import { dryRun, formatDryRun } from '../../runner/dryRun.js';
import { loadScenario, type LoadedScenario } from '../../scenario/loadScenario.js';
import { intFlag, parseCommandArgs } from '../parseCommandArgs.js';

export const runHelp = `Usage: dvbench run <scenario.yaml|folder>... [options]

Runs each scenario's workloads with every strategy it lists (the same planned operations,
from identical starting data), and reports wall time, speedup, throughput, latency
percentiles, errors, 429s, retries and client/server CPU and memory.

Options:
  --out <dir>           output folder (default reports/<scenario>-<timestamp>/;
                        with several scenarios, one subfolder each)
  --repeat <n>          measured repetitions per strategy (overrides the scenario)
  --warmup <n>          warm-up repetitions per strategy (overrides the scenario)
  --strategies <a,b>    run only these strategies, by name (e.g. sequential,async:4)
  --target <mock|url>   the embedded mock (default) or an org URL (credentials from the
                        environment: see the README)
  --quiet               no progress output
  --allow-writes        against an org: allow workloads that create records (insert,
                        transactional); they are listed in created-records.json before they
                        are sent and deleted after each repetition
  --keep                against an org: keep the last repetition's records
  --shard <i/n>         run only slice i of n of the planned operations (disjoint records);
                        combine the shards' results with 'dvbench merge'
  --dry-run             print the planned requests per strategy and the estimated use of the
                        service protection limits and daily API entitlements; send nothing
  -h, --help            show this help

Writes <out>/results.json (atomically, marked partial until the run ends). Several scenarios
or a folder make a suite, with suite.md and junit.xml in the output folder and one exit code.
Exit codes: 0 ok, 1 a run failed, 2 invalid input (nothing runs), 130 interrupted.
`;

export const validateHelp = `Usage: dvbench validate <scenario.yaml|folder>...

Checks scenario files against the schema and its rules without running anything.
Prints one line per problem: file:line:col: path: rule. Exit code 2 if any is invalid.
`;

async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    if (info?.isDirectory() === true) {
      const files = (await readdir(p)).filter((f) => /\.(ya?ml|json)$/i.test(f)).sort();
      if (files.length === 0) throw errorCatalogue.DVB_ERR_USAGE(`dvbench: ${p} holds no .yaml, .yml or .json scenario files.`);
      out.push(...files.map((f) => join(p, f)));
    } else out.push(p);
  }
  return out;
}

/** Loads every scenario first, so a bad file stops the suite before anything runs. */
async function loadAll(paths: readonly string[]): Promise<LoadedScenario[]> {
  const loaded: LoadedScenario[] = [];
  const problems: string[] = [];
  for (const p of await expandPaths(paths)) {
    try {
      loaded.push(await loadScenario(p));
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'DVB_ERR_SCENARIO_INVALID') problems.push(error.message);
      else throw error;
    }
  }
  if (problems.length > 0) throw errorCatalogue.DVB_ERR_SCENARIO_INVALID(problems.join('\n'));
  return loaded;
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

export async function validateCommand(argv: readonly string[], io: { stdout: NodeJS.WritableStream }): Promise<number> {
  const { values, positionals } = parseCommandArgs('validate', argv, { help: { type: 'boolean', short: 'h' } }, true);
  if (values.help === true) {
    io.stdout.write(validateHelp);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw errorCatalogue.DVB_ERR_USAGE("dvbench validate: give one or more scenario files or folders. See 'dvbench validate --help'.");
  const loaded = await loadAll(positionals);
  for (const l of loaded) io.stdout.write(`${l.path}: ok (${l.scenario.workloads.length} workload(s), ${l.scenario.strategies.length} strategy entr${l.scenario.strategies.length === 1 ? 'y' : 'ies'})\n`);
  return EXIT.ok;
}

/** `dvbench run`: one scenario, or a suite of them with one exit code. */
export async function runCommand(argv: readonly string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'run',
    argv,
    {
      out: { type: 'string' },
      repeat: { type: 'string' },
      warmup: { type: 'string' },
      strategies: { type: 'string' },
      target: { type: 'string' },
      quiet: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      shard: { type: 'string' },
      'allow-writes': { type: 'boolean' },
      keep: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help === true) {
    io.stdout.write(runHelp);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw errorCatalogue.DVB_ERR_USAGE("dvbench run: give a scenario file or folder, e.g. 'dvbench run scenarios/paper-reproduction.yaml'. See 'dvbench run --help'.");
  const repetitions = intFlag('run', 'repeat', values.repeat, 1, 100);
  const warmup = intFlag('run', 'warmup', values.warmup, 0, 20);
  let shard: { index: number; count: number } | undefined;
  if (values.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(values.shard);
    const index = Number(m?.[1]);
    const count = Number(m?.[2]);
    if (m === null || count < 2 || index < 1 || index > count) {
      throw errorCatalogue.DVB_ERR_USAGE(`dvbench run: --shard must be i/n with n ≥ 2 and 1 ≤ i ≤ n, e.g. 1/4, got '${values.shard}'.`);
    }
    shard = { index, count };
  }
  const only = values.strategies?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const loaded = await loadAll(positionals);
  // --target wins; else the scenario's own target; else DATAVERSE_URL; else the embedded mock.
  const targetFor = (l: LoadedScenario) => {
    const fromScenario = typeof l.scenario.target === 'object' ? l.scenario.target.url : undefined;
    const flag = values.target ?? fromScenario;
    return resolveTarget({ ...(flag === undefined ? {} : { flag }), env: process.env });
  };
  const targets = loaded.map(targetFor);
  if (values['dry-run'] === true) {
    for (const l of loaded) {
      const scenario = { ...l.scenario, ...(repetitions === undefined ? {} : { repetitions }), ...(warmup === undefined ? {} : { warmup }), strategies: l.scenario.strategies };
      const plan = dryRun(scenario);
      const kept = only === undefined ? plan : { ...plan, strategies: plan.strategies.filter((s) => only.includes(s.name)) };
      io.stdout.write(formatDryRun(l.scenario.name, kept, targets[loaded.indexOf(l)]?.kind === 'org'));
    }
    return EXIT.ok;
  }
  const suite = loaded.length > 1;
  const root = resolve(values.out ?? (suite ? `reports/suite-${timestamp()}` : `reports/${loaded[0]?.scenario.name ?? 'run'}-${timestamp()}`));

  const controller = new AbortController();
  let signals = 0;
  const onSignal = (name: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) process.exit(EXIT.interrupted);
    io.stderr.write(`\ndvbench: ${name}: finishing the operations in flight and writing partial results (again to quit at once)\n`);
    controller.abort(name);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const entries: SuiteEntry[] = [];
  try {
    for (const [n, l] of loaded.entries()) {
      if (controller.signal.aborted) break;
      const target = targets[n] ?? { kind: 'mock' as const };
      const outDir = suite ? join(root, l.scenario.name) : root;
      const run = new ScenarioRun(l, { outDir, target, signal: controller.signal, allowWrites: values['allow-writes'] === true, keep: values.keep === true, ...(shard === undefined ? {} : { shard }), ...(repetitions === undefined ? {} : { repetitions }), ...(warmup === undefined ? {} : { warmup }), ...(only === undefined ? {} : { only }) });
      attachProgressReporter(run, io.stderr, { quiet: values.quiet === true });
      try {
        const results = await run.run();
        const reports = await writeReports(dirname(run.resultsPath), results);
        io.stdout.write(`\n${l.scenario.name}\n${formatSummaryTable(results)}results: ${run.resultsPath}\nreport: ${join(dirname(run.resultsPath), 'report.md')} (and report.html, charts, junit.xml)\n`);
        const missed = reports.thresholds.filter((t) => !t.passed);
        for (const t of missed) io.stderr.write(`threshold missed: ${t.message}\n`);
        const audit = results.strategies.filter((s) => !s.integrity.ok);
        for (const s of audit) {
          io.stderr.write(`integrity audit failed for ${s.name}: ${s.integrity.problemCount} problem(s)\n`);
          for (const p of s.integrity.problems.slice(0, 5)) io.stderr.write(`  ${p}\n`);
        }
        if (reports.thresholds.length > 0 && missed.length === 0) io.stdout.write(`thresholds: all ${reports.thresholds.length} passed\n`);
        entries.push({ file: l.path, name: l.scenario.name, resultsPath: run.resultsPath, results, error:
            audit.length > 0
              ? `integrity audit failed for ${audit.map((s) => s.name).join(', ')}`
              : missed.length > 0
                ? `${missed.length} threshold(s) missed: ${missed.map((t) => t.message).join('; ')}`
                : null,
        });
      } catch (error) {
        if (!suite || (error instanceof Error && 'code' in error && error.code === 'DVB_ERR_INTERRUPTED')) throw error;
        const message = error instanceof Error ? error.message : String(error);
        io.stderr.write(`dvbench: ${l.scenario.name} failed: ${message}\n`);
        entries.push({ file: l.path, name: l.scenario.name, resultsPath: run.resultsPath, results: null, error: message });
      }
    }
    if (suite) {
      const written = await writeSuiteSummary(root, entries);
      io.stdout.write(`suite summary: ${written.markdown}\njunit: ${written.junit}\n`);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (controller.signal.aborted) {
    throw errorCatalogue.DVB_ERR_INTERRUPTED(`dvbench: interrupted; partial results written to ${root}`);
  }
  // A single scenario's missed thresholds and audit problems were already printed line by line.
  return entries.some((e) => e.error !== null) ? EXIT.failed : EXIT.ok;
}
