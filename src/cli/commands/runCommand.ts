import { randomBytes } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EXIT, errorCatalogue } from '../../errors/errorCatalogue.js';
import { attachProgressReporter } from '../../report/attachProgressReporter.js';
import { formatSummaryTable } from '../../report/formatSummaryTable.js';
import { writeSuiteSummary, type SuiteEntry } from '../../report/writeSuiteSummary.js';
import { writeReports } from '../../report/writeReports.js';
import { dirname } from 'node:path';
import { resolveTarget, type TargetSpec } from '../../target/resolveTarget.js';
import { DvbenchError } from '../../errors/DvbenchError.js';
import { describeMockCosts } from '../../../mock-server/index.js';
import { ScenarioRun, selectStrategies } from '../../runner/runScenario.js';
import { checkTargetSafety } from '../../target/targetSafety.js';
import { verdictExitCode, verdictHeadline } from '../../runner/verdict.js';
import { dryRun, formatDryRun } from '../../runner/dryRun.js';
import { checkWorkerMemory } from '../../runner/workerMemory.js';
import { expandStrategies } from '../../scenario/expandStrategies.js';
import { loadScenario, type LoadedScenario, type LoadOptions } from '../../scenario/loadScenario.js';
import { intFlag, parseCommandArgs } from '../parseCommandArgs.js';
import { interruptOnSignals } from '../interruptOnSignals.js';
import { durationMs, durationSchema } from '../../scenario/loadSchema.js';
import { describeLoadPlan, runLoadScenario } from './runLoadScenario.js';
import { checkLoadSafety } from '../../load/runLoad.js';
import { describeTarget } from '../../target/describeTarget.js';
import { checkTokenLifetime } from '../../client/auth/tokenExpiry.js';

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
  --profile <name|file> the embedded mock's costs from this profile, replacing the
                        scenario's: default (published Dataverse figures), zero (no costs,
                        for testing the harness) or a profile file (a path from the current
                        folder); it means the embedded mock even with DATAVERSE_URL set
  --bypass-custom-logic send MSCRM.BypassCustomPluginExecution: true on every request (as the
                        scenario's bypassCustomLogic): custom synchronous plug-ins are skipped;
                        compare with a run without it to see what they cost
  --quiet               no progress output
  --allow-writes        against an org: allow what writes there. The scenario's data: is
                        created first (CreateMultiple, ids of the run's own), put back between
                        repetitions, and deleted after the run; update, delete, upsert and
                        mixed work only on those records; inserts are deleted after each
                        repetition. Every record is listed in created-records.json first
  --keep                against an org: keep the data and the last repetition's records
                        ('dvbench cleanup <out>' deletes them later)
  --shard <i/n>         run only slice i of n of the planned operations (disjoint records);
                        combine the shards' results with 'dvbench merge'
  --dry-run             print the planned requests per strategy and the estimated use of the
                        service protection limits and daily API entitlements; send nothing
  --duration <d>        a load test (a scenario with a load section): run its stages scaled
                        to this total length, e.g. 30s, 5m, 1h
  -h, --help            show this help

The target is printed first, and on the mock which costs it runs: the scenario's mock.profile,
its own latency/capacity keys, or else the 'default' profile. A run against DATAVERSE_URL needs its credentials; --target mock
always means the embedded mock. A URL in a scenario file is used only when DATAVERSE_URL or
--target names the same URL: credentials never follow a file.

Every strategy gets a verdict: ok, degraded (some operations failed, within the scenario's
maxErrorRate, default 0) or failed (more failed, the audit found a lost or duplicated write,
or it was aborted: its first failFast operations all failed, or the target is unreachable or
refuses the sign-in). The run's verdict is the worst of them and is printed first.

Writes <out>/results.json (atomically, marked partial until the run ends). The output folder
must be writable and not in use by another run; it is checked before anything runs. Several
scenarios or a folder make a suite, with suite.md and junit.xml in the output folder and one
exit code. Thresholds on strategies left out by --strategies are skipped.

A scenario with a load section instead of strategies is a load test: arrivals at the planned
rates for the stages' time (open model: latency from each intended start; arrivals past
maxInFlight dropped and counted), one progress line per interval, objectives judged per
window (abortOnFail stops at the first window lost). It writes results.json (kind: load, with
the time series), load.md, load.png and junit.xml.

Exit codes: 0 ok or degraded, 1 a strategy failed or a load test missed an objective, a threshold was missed or a report could not
be written, 2 invalid input (nothing runs), 130 interrupted.
`;

export const validateHelp = `Usage: dvbench validate <scenario.yaml|folder>...

Checks scenario files without running anything: the schema and its rules, every $filter,
$select and $orderby parsed as the mock parses them, and table, column, navigation property and
alternate-key names against the mock's tables (the standard ones plus mock.tables). Strategies
may be written as dvbench names them (async:8, batch:100x2, transaction:4, bulk:100x2, ...).
Prints one line per problem: file:line:col: path: rule. Exit code 2 if any is invalid.
`;

async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    if (info?.isDirectory() === true) {
      const files = (await readdir(p)).filter((f) => /\.(ya?ml|json)$/i.test(f)).sort();
      if (files.length === 0)
        throw errorCatalogue.DVB_ERR_USAGE(`dvbench: ${p} holds no .yaml, .yml or .json scenario files.`);
      out.push(...files.map((f) => join(p, f)));
    } else out.push(p);
  }
  return out;
}

/** Loads every scenario first, so a bad file stops the suite before anything runs. */
async function loadAll(
  paths: readonly string[],
  optionsFor: (path: string) => LoadOptions = () => ({}),
): Promise<LoadedScenario[]> {
  const loaded: LoadedScenario[] = [];
  const problems: string[] = [];
  for (const p of await expandPaths(paths)) {
    try {
      loaded.push(await loadScenario(p, optionsFor(p)));
    } catch (error) {
      if (error instanceof DvbenchError && error.code === 'DVB_ERR_SCENARIO_INVALID') problems.push(error.message);
      else throw error;
    }
  }
  if (problems.length > 0) throw errorCatalogue.DVB_ERR_SCENARIO_INVALID(problems.join('\n'));
  return loaded;
}

/** Folder names down to the millisecond, plus a little randomness: two runs started together never share one. */
function timestamp(): string {
  return `${new Date().toISOString().replace(/[-:.]/g, '').replace('T', '-').slice(0, 18)}-${randomBytes(2).toString('hex')}`;
}

export async function validateCommand(argv: readonly string[], io: { stdout: NodeJS.WritableStream }): Promise<number> {
  const { values, positionals } = parseCommandArgs('validate', argv, { help: { type: 'boolean', short: 'h' } }, true);
  if (values.help === true) {
    io.stdout.write(validateHelp);
    return EXIT.ok;
  }
  if (positionals.length === 0)
    throw errorCatalogue.DVB_ERR_USAGE(
      "dvbench validate: give one or more scenario files or folders. See 'dvbench validate --help'.",
    );
  const loaded = await loadAll(positionals);
  for (const l of loaded)
    io.stdout.write(
      `${l.path}: ok (${l.scenario.workloads.length} workload(s), ${
        l.scenario.load === undefined
          ? expandStrategies(l.scenario.strategies)
              .map((s) => s.name)
              .join(', ')
          : `load test: ${l.scenario.load.stages.length} stage(s)`
      })\n`,
    );
  io.stdout.write(
    "Queries were parsed as the mock parses them, and table, column and navigation property names checked against the mock's tables (standard plus mock.tables); against an org, names are checked by the org when the run starts.\n",
  );
  return EXIT.ok;
}

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

/** --target wins; a URL in the scenario file only with the same URL in DATAVERSE_URL; else DATAVERSE_URL; else the embedded mock. */
function targetFor(l: LoadedScenario, flag: string | undefined, credentials: boolean): TargetSpec {
  const fromScenario = typeof l.scenario.target === 'object' ? l.scenario.target.url : undefined;
  return resolveTarget({
    ...(flag === undefined ? {} : { flag }),
    ...(fromScenario === undefined ? {} : { fromFile: { url: fromScenario, what: 'the scenario file' as const } }),
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
          ...(flags.repetitions === undefined ? {} : { repetitions: flags.repetitions }),
          ...(flags.warmup === undefined ? {} : { warmup: flags.warmup }),
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
        `${l.path}: name '${l.scenario.name}' is also the name of ${other}; scenarios of a suite need distinct names (each writes <out>/<name>/).`,
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

/** One scenario of the run: its results, reports and printed summary; the suite entry it makes. */
async function runOne(
  l: LoadedScenario,
  target: TargetSpec,
  outDir: string,
  flags: RunFlags,
  signal: AbortSignal,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<SuiteEntry> {
  const run = new ScenarioRun(l, {
    outDir,
    target,
    signal,
    allowWrites: flags.allowWrites,
    keep: flags.keep,
    ...(flags.shard === undefined ? {} : { shard: flags.shard }),
    ...(flags.repetitions === undefined ? {} : { repetitions: flags.repetitions }),
    ...(flags.warmup === undefined ? {} : { warmup: flags.warmup }),
    ...(flags.only === undefined ? {} : { only: flags.only }),
  });
  attachProgressReporter(run, io.stderr, { quiet: flags.quiet });
  const results = await run.run();
  const reports = await writeReports(dirname(run.resultsPath), results);
  io.stdout.write(
    `\n${l.scenario.name}\n${formatSummaryTable(results)}results: ${run.resultsPath}\nreport: ${join(dirname(run.resultsPath), 'report.md')} (and report.html, charts, junit.xml)\n`,
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
  allowWrites: boolean,
  io: { stdout: NodeJS.WritableStream },
): void {
  for (const [i, l] of loaded.entries()) {
    const target = targets[i] ?? { kind: 'mock' as const };
    // A dry run refuses what a real run refuses: the same safety rules, before any estimate.
    checkTargetSafety(l.scenario, target, allowWrites);
    const memory = checkWorkerMemory(expandStrategies(l.scenario.strategies));
    const scenario = {
      ...l.scenario,
      ...(flags.repetitions === undefined ? {} : { repetitions: flags.repetitions }),
      ...(flags.warmup === undefined ? {} : { warmup: flags.warmup }),
    };
    if (l.scenario.load !== undefined) {
      checkLoadSafety(l, { outDir: '', target, allowWrites });
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
  help: { type: 'boolean', short: 'h' },
} as const;

type RunValues = ReturnType<typeof parseCommandArgs<typeof RUN_OPTIONS>>['values'];

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
  const syntaxOnly = await loadAll(paths, () => ({ checkNames: false, target: 'unknown', ...overrides }));
  // A profile is the embedded mock's costs: --profile means the mock unless --target names an org.
  const flag = values.target ?? (values.profile === undefined ? undefined : 'mock');
  const targets = syntaxOnly.map((l) => {
    const t = targetFor(l, flag, needCredentials);
    return values.target === undefined && t.kind === 'mock' && values.profile !== undefined
      ? { ...t, source: '--profile' as const }
      : t;
  });
  const kinds = new Map(syntaxOnly.map((l, i) => [l.path, targets[i]?.kind ?? 'mock']));
  const loaded = await loadAll(
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
  flags: RunFlags,
  signal: AbortSignal,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<SuiteEntry[]> {
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
          ? runOne(l, target, outDir, flags, signal, io)
          : runLoadScenario(l, target, outDir, flags, signal, io)),
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
export async function runCommand(
  argv: readonly string[],
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<number> {
  const { values, positionals } = parseCommandArgs('run', argv, RUN_OPTIONS, true);
  if (values.help === true) {
    io.stdout.write(runHelp);
    return EXIT.ok;
  }
  if (positionals.length === 0)
    throw errorCatalogue.DVB_ERR_USAGE(
      "dvbench run: give a scenario file or folder, e.g. 'dvbench run scenarios/paper-reproduction.yaml'. See 'dvbench run --help'.",
    );
  const flags = runFlags(values);
  const dry = values['dry-run'] === true;
  const { loaded, targets } = await loadForTargets(positionals, values, !dry);
  if (dry) {
    printDryRun(loaded, targets, flags, flags.allowWrites, io);
    return EXIT.ok;
  }
  const suite = loaded.length > 1;
  if (suite) checkSuiteNames(loaded);
  checkStaticTokens(loaded, targets, flags, io);
  const name = suite ? 'suite' : (loaded[0]?.scenario.name ?? 'run');
  const root = resolve(values.out ?? `reports/${name}-${timestamp()}`);
  const interrupt = interruptOnSignals(io.stderr);
  let entries: SuiteEntry[];
  try {
    entries = await runAll(loaded, targets, root, flags, interrupt.signal, io);
  } finally {
    interrupt.dispose();
  }
  if (interrupt.signal.aborted) {
    throw errorCatalogue.DVB_ERR_INTERRUPTED(`dvbench: interrupted; partial results written to ${root}`);
  }
  // A failed verdict, a missed threshold or a failed audit was already printed line by line.
  return entries.some((e) => e.error !== null) ? EXIT.failed : EXIT.ok;
}
