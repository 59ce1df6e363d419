import { dirname, join, resolve } from 'node:path';
import { EXIT, errorCatalogue } from '../../errors/errorCatalogue.js';
import { attachProgressReporter } from '../../report/attachProgressReporter.js';
import { formatSummaryTable } from '../../report/formatSummaryTable.js';
import { writeSuiteSummary, type SuiteEntry } from '../../report/writeSuiteSummary.js';
import { writeReports } from '../../report/writeReports.js';
import { folderTimestamp } from '../../output/folderTimestamp.js';
import { resolveTarget, type TargetSpec } from '../../target/resolveTarget.js';
import { DvbenchError } from '../../errors/DvbenchError.js';
import { describeMockCosts } from '../../../mock-server/index.js';
import { ScenarioRun } from '../../runner/ScenarioRun.js';
import { selectStrategies } from '../../runner/selectStrategies.js';
import { checkTargetSafety } from '../../target/targetSafety.js';
import { verdictExitCode, verdictHeadline } from '../../runner/verdict.js';
import { dryRun, formatDryRun } from '../../runner/dryRun.js';
import { checkWorkerMemory } from '../../runner/workerMemory.js';
import { expandStrategies } from '../../strategies/expandStrategies.js';
import type { LoadedScenario } from '../../scenario/loadScenario.js';
import { loadScenarioFiles } from './loadScenarioFiles.js';
import { runHelp } from './runHelp.js';
import { applyTimeScale, parseTimeScaleFlag } from './timeScaleFlag.js';
import { jobRunOptions, type JobContext, type ScenarioJob } from './scenarioJob.js';
import { defineCommand, type CommandValues, intFlag } from '../parseCommandArgs.js';
import { interruptOnSignals } from '../interruptOnSignals.js';
import { durationMs, durationSchema } from '../../scenario/loadSchema.js';
import { describeLoadPlan, runLoadScenario } from './runLoadScenario.js';
import { checkLoadSafety } from '../../load/LoadRun.js';
import { describeTarget } from '../../target/describeTarget.js';
import { checkTokenLifetime } from '../../client/auth/tokenExpiry.js';

function parseShard(text: string | undefined): { index: number; count: number } | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || count < 2 || index < 1 || index > count) {
    throw errorCatalogue.DVB_ERR_USAGE(
      `dvbench run: --shard must be i/n with n ≥ 2 and 1 ≤ i ≤ n, e.g. 1/4, got '${text}'.`,
    );
  }
  return { index, count };
}

/**
 * --target wins; a URL in the scenario file only with the same URL in DATAVERSE_URL; else
 * DATAVERSE_URL; else the embedded mock.
 */
function targetFor(l: LoadedScenario, flag: string | undefined, credentials: boolean): TargetSpec {
  const fromScenario = typeof l.scenario.target === 'object' ? l.scenario.target.url : undefined;
  return resolveTarget({
    flag,
    fromFile: fromScenario === undefined ? undefined : { url: fromScenario, what: 'the scenario file' },
    env: process.env,
    credentials,
  });
}

/**
 * A static token (DATAVERSE_TOKEN) cannot be renewed: one already expired is refused before
 * anything is sent, and one that expires before the run's estimated end is warned about.
 */
function checkStaticTokens(
  loaded: readonly LoadedScenario[],
  targets: readonly TargetSpec[],
  flags: RunFlags,
  io: { stderr: NodeJS.WritableStream },
): void {
  let estimatedMs = 0;
  let token: string | undefined;
  for (const [i, l] of loaded.entries()) {
    const target = targets[i];
    if (target?.kind !== 'org') continue;
    const spec = target.identities.find((a) => a.method === 'token');
    if (spec?.method !== 'token') continue;
    token = spec.token;
    if (l.scenario.load !== undefined) estimatedMs += flags.durationMs ?? 0;
    else
      estimatedMs += dryRun(
        {
          ...l.scenario,
          repetitions: flags.repetitions ?? l.scenario.repetitions,
          warmup: flags.warmup ?? l.scenario.warmup,
        },
        'org',
      ).estimatedMs;
  }
  if (token === undefined) return;
  const check = checkTokenLifetime(token, estimatedMs);
  if (check !== undefined && 'expired' in check) throw errorCatalogue.DVB_ERR_AUTH(`target: ${check.expired}`);
  if (check !== undefined) io.stderr.write(`warning: ${check.warning}\n`);
}

/** Several scenarios of one name would write one folder: refused before anything runs. */
function checkSuiteNames(loaded: readonly LoadedScenario[]): void {
  const seen = new Map<string, string>();
  for (const l of loaded) {
    const other = seen.get(l.scenario.name);
    if (other !== undefined)
      throw errorCatalogue.DVB_ERR_SCENARIO_INVALID(
        `${l.path}: name '${l.scenario.name}' is also the name of ${other}; scenarios of a ` +
          `suite need distinct names (each writes <out>/<name>/).`,
      );
    seen.set(l.scenario.name, l.path);
  }
}

interface RunFlags {
  readonly repetitions: number | undefined;
  readonly warmup: number | undefined;
  readonly shard: { index: number; count: number } | undefined;
  readonly only: string[] | undefined;
  readonly allowWrites: boolean;
  readonly keep: boolean;
  readonly quiet: boolean;
  /** `--duration`: a load test's stages scaled to this length, ms. */
  readonly durationMs: number | undefined;
}

type RunContext = JobContext<RunFlags>;

/** One scenario of the run: its results, reports and printed summary; the suite entry it makes. */
async function runOne(job: ScenarioJob, context: RunContext): Promise<SuiteEntry> {
  const { flags, io } = context;
  const l = job.loaded;
  const run = new ScenarioRun(l, {
    ...jobRunOptions(job, context),
    keep: flags.keep,
    shard: flags.shard,
    repetitions: flags.repetitions,
    warmup: flags.warmup,
    only: flags.only,
  });
  attachProgressReporter(run, io.stderr, { quiet: flags.quiet });
  const results = await run.run();
  const reports = await writeReports(dirname(run.resultsPath), results);
  io.stdout.write(
    `\n${l.scenario.name}\n${formatSummaryTable(results)}results: ` +
      `${run.resultsPath}\nreport: ${join(dirname(run.resultsPath), 'report.md')} (and report.html, ` +
      `charts, junit.xml)\n`,
  );
  const missed = reports.thresholds.filter((t) => !t.passed && !t.skipped);
  for (const t of missed) io.stderr.write(`threshold missed: ${t.message}\n`);
  for (const t of reports.thresholds.filter((x) => x.skipped)) io.stderr.write(`threshold ${t.message}\n`);
  for (const s of results.strategies.filter((x) => !x.integrity.ok)) {
    io.stderr.write(`integrity audit failed for ${s.name}: ${s.integrity.problemCount} problem(s)\n`);
    for (const p of s.integrity.problems.slice(0, 5)) io.stderr.write(`  ${p}\n`);
  }
  const counted = reports.thresholds.filter((t) => !t.skipped);
  if (counted.length > 0 && missed.length === 0) io.stdout.write(`thresholds: all ${counted.length} passed\n`);
  return {
    file: l.path,
    name: l.scenario.name,
    resultsPath: run.resultsPath,
    results,
    // The verdict already counts missed thresholds: one source for the summary, the reports and the exit code.
    error: verdictExitCode(results.verdict) === EXIT.ok ? null : verdictHeadline(results.verdict),
  };
}

function printDryRun(
  loaded: readonly LoadedScenario[],
  targets: readonly TargetSpec[],
  flags: RunFlags,
  io: { stdout: NodeJS.WritableStream },
): void {
  const { allowWrites } = flags;
  for (const [i, l] of loaded.entries()) {
    const target = targets[i] ?? { kind: 'mock' as const };
    // A dry run refuses what a real run refuses: the same safety rules, before any estimate.
    checkTargetSafety(l.scenario, target, allowWrites);
    const memory = checkWorkerMemory(expandStrategies(l.scenario.strategies));
    const scenario = {
      ...l.scenario,
      repetitions: flags.repetitions ?? l.scenario.repetitions,
      warmup: flags.warmup ?? l.scenario.warmup,
    };
    if (l.scenario.load !== undefined) {
      checkLoadSafety(l, { target, allowWrites });
      io.stdout.write(
        `target: ${describeTarget(target)}\n${describeLoadPlan(l.scenario.name, l.scenario.load, flags.durationMs)}`,
      );
      continue;
    }
    // Refused as the run refuses it: --strategies that names none of the scenario's.
    selectStrategies(l, flags.only);
    const plan = dryRun(scenario, target.kind, flags.only);
    io.stdout.write(`target: ${describeTarget(target)}\n${formatDryRun(l.scenario.name, plan, target.kind === 'org')}`);
    for (const w of memory) io.stdout.write(`warning: ${w}\n`);
  }
}

const RUN_OPTIONS = {
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
  profile: { type: 'string' },
  'bypass-custom-logic': { type: 'boolean' },
  duration: { type: 'string' },
  'time-scale': { type: 'string' },
} as const;

type RunValues = CommandValues<typeof RUN_OPTIONS>;

function runFlags(values: RunValues): RunFlags {
  return {
    repetitions: intFlag('run', 'repeat', values.repeat, 1, 100),
    warmup: intFlag('run', 'warmup', values.warmup, 0, 20),
    shard: parseShard(values.shard),
    only: values.strategies
      ?.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    allowWrites: values['allow-writes'] === true,
    keep: values.keep === true,
    quiet: values.quiet === true,
    durationMs: durationFlag(values.duration),
  };
}

function durationFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const parsed = durationSchema.safeParse(/^\d+(\.\d+)?$/.test(text) ? Number(text) : text);
  if (!parsed.success)
    throw errorCatalogue.DVB_ERR_USAGE(
      `dvbench run: --duration must be a duration such as 90s, 5m or 1h (or seconds), got '${text}'.`,
    );
  return durationMs(parsed.data);
}

/**
 * Loads every scenario for the target it will run on: names are checked against the mock's tables
 * when the mock is the target (an org knows its own), and the rules about data: are the target's.
 */
async function loadForTargets(
  paths: readonly string[],
  values: RunValues,
  needCredentials: boolean,
): Promise<{ loaded: LoadedScenario[]; targets: TargetSpec[] }> {
  const overrides = {
    ...(values.profile === undefined ? {} : { profile: values.profile }),
    ...(values['bypass-custom-logic'] === true ? { bypassCustomLogic: true } : {}),
  };
  // The target comes from the flag, the environment or the file: known only once the file is read.
  const syntaxOnly = await loadScenarioFiles(paths, () => ({ checkNames: false, target: 'unknown', ...overrides }));
  // A profile is the embedded mock's costs: --profile means the mock unless --target names an org.
  const flag = values.target ?? (values.profile === undefined ? undefined : 'mock');
  const targets = syntaxOnly.map((l) => {
    const t = targetFor(l, flag, needCredentials);
    return values.target === undefined && t.kind === 'mock' && values.profile !== undefined
      ? { ...t, source: '--profile' as const }
      : t;
  });
  const kinds = new Map(syntaxOnly.map((l, i) => [l.path, targets[i]?.kind ?? 'mock']));
  const loaded = await loadScenarioFiles(
    syntaxOnly.map((l) => l.path),
    (p) => ({ checkNames: kinds.get(p) !== 'org', target: kinds.get(p) ?? 'mock', ...overrides }),
  );
  return { loaded, targets };
}

/** Errors that end a whole suite rather than one scenario of it. */
function endsSuite(error: unknown): boolean {
  return error instanceof DvbenchError && (error.code === 'DVB_ERR_INTERRUPTED' || error.code === 'DVB_ERR_OUTPUT');
}

async function runAll(
  loaded: readonly LoadedScenario[],
  targets: readonly TargetSpec[],
  root: string,
  context: RunContext,
): Promise<SuiteEntry[]> {
  const { signal, io } = context;
  const suite = loaded.length > 1;
  const entries: SuiteEntry[] = [];
  for (const [n, l] of loaded.entries()) {
    if (signal.aborted) break;
    const target = targets[n] ?? { kind: 'mock' as const };
    const outDir = suite ? join(root, l.scenario.name) : root;
    io.stderr.write(`dvbench: ${l.scenario.name}: target ${describeTarget(target)}\n`);
    if (target.kind === 'mock')
      io.stderr.write(`dvbench: ${l.scenario.name}: mock costs: ${describeMockCosts(l.mockCosts)}\n`);
    try {
      entries.push(
        await (l.scenario.load === undefined
          ? runOne({ loaded: l, target, outDir }, context)
          : runLoadScenario({ loaded: l, target, outDir }, context)),
      );
    } catch (error) {
      if (!suite || endsSuite(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      io.stderr.write(`dvbench: ${l.scenario.name} failed: ${message}\n`);
      entries.push({
        file: l.path,
        name: l.scenario.name,
        resultsPath: join(outDir, 'results.json'),
        results: null,
        error: message,
      });
    }
  }
  if (suite) {
    const written = await writeSuiteSummary(root, entries);
    io.stdout.write(`suite summary: ${written.markdown}\njunit: ${written.junit}\n`);
  }
  return entries;
}

/** `dvbench run`: one scenario, or a suite of them with one exit code. */
export const runCommand = defineCommand(
  { name: 'run', help: runHelp, options: RUN_OPTIONS, positionals: true },
  async ({ values, positionals }, io) => {
    if (positionals.length === 0)
      throw errorCatalogue.DVB_ERR_USAGE(
        "dvbench run: give a scenario file or folder, e.g. 'dvbench run " +
          "scenarios/paper-reproduction.yaml'. See 'dvbench run --help'.",
      );
    const flags = runFlags(values);
    const dry = values['dry-run'] === true;
    const timeScale = parseTimeScaleFlag('run', values['time-scale']);
    const { loaded: read, targets } = await loadForTargets(positionals, values, !dry);
    const loaded = applyTimeScale(read, targets, { flag: timeScale, only: flags.only, io });
    if (dry) {
      printDryRun(loaded, targets, flags, io);
      return EXIT.ok;
    }
    const suite = loaded.length > 1;
    if (suite) checkSuiteNames(loaded);
    checkStaticTokens(loaded, targets, flags, io);
    const name = suite ? 'suite' : (loaded[0]?.scenario.name ?? 'run');
    const root = resolve(values.out ?? `reports/${name}-${folderTimestamp()}`);
    const interrupt = interruptOnSignals(io.stderr);
    let entries: SuiteEntry[];
    try {
      entries = await runAll(loaded, targets, root, { flags, signal: interrupt.signal, io });
    } finally {
      interrupt.dispose();
    }
    if (interrupt.signal.aborted) {
      throw errorCatalogue.DVB_ERR_INTERRUPTED(`dvbench: interrupted; partial results written to ${root}`);
    }
    // A failed verdict, a missed threshold or a failed audit was already printed line by line.
    return entries.some((e) => e.error !== null) ? EXIT.failed : EXIT.ok;
  },
);
