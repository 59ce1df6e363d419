import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import { resolveTarget } from '../../target/resolveTarget.js';
import { EXIT, errorCatalogue } from '../../errors/errorCatalogue.js';
import { calibrationPath, Calibration, type CalibrationResult } from '../../calibrate/Calibration.js';
import { checkProfile, type ProfileCheck } from '../../calibrate/checkProfile.js';
import { scenarioTables, type ScenarioTables } from '../../calibrate/scenarioTables.js';
import { predictionInterval } from '../../metrics/predictionInterval.js';
import { loadScenario } from '../../scenario/loadScenario.js';
import { writeJsonAtomic } from '../../output/writeJsonAtomic.js';
import type { CliIo } from '../CliIo.js';
import { defineCommand, intFlag, type CommandValues } from '../parseCommandArgs.js';

export const calibrateHelp = `Usage: dvbench calibrate --out FILE [--target URL] [--allow-writes] [--max-requests N]
                         [--max-minutes M] [--validate N] [--name NAME] [--scenario FILE]
       dvbench calibrate --check PROFILE [--target URL] [--allow-writes]

Measures an org and writes a cost profile for the embedded mock, so runs on the mock predict
the org. Target and credentials as for 'dvbench run' (DATAVERSE_URL, DATAVERSE_TOKEN or an
app registration). In order, one call at a time unless said:
  round trip     unauthenticated requests, answered 401 before any server work
  operations     retrieve; with --allow-writes also create, update and delete
  $batch, bulk   sizes 1, 5 and 25, to split each request's overhead from each item's cost
                 (bulk: CreateMultiple and UpdateMultiple, with --allow-writes only)
  query pages    1 record and up to 500, for the cost per record returned
  tables         with --scenario FILE, each other table the scenario uses, with the kinds
                 it uses there (15 calls each): a table dear on every kind gets a
                 multiplier (latency.tables), a write dearer still a plug-in's time
                 (plugins), as a synchronous plug-in on contact create would be
  concurrency    1, 2, 4, ... workers (at most 64) until throughput levels off or falls,
                 then one doubling more (the slope past the knee), stopping at the first
                 429; then up to three counts inside the knee's bracket. The plateau is
                 replayed on the embedded mock as a capacity or a serialized share, and the
                 closer one kept; when throughput falls past the peak, a contention (the
                 USL's coherency term) is fitted and kept if its replay is closer still
The same probes run against a zero-cost mock on this machine first: subtracting them takes
this machine's own client and HTTP stack out of the org's figures.

Safe on a real org: without --allow-writes it only reads; with it, it writes only records
it creates (named dvbench-calibrate-<tag>), deletes them all, and proves with a final query
that none is left. It stops probing when the budget is spent or the org reports fewer than
500 requests left in its service protection window, and fits what it measured; whatever it
could not measure comes from the 'default' profile, and the profile says which.

Then it validates: it runs strategies it did not fit on (sequential, async at the dop hint,
twice and three times it, $batch of 50, bulk of 100, changesets) on the org and on the
embedded mock with the new profile, and prints predicted vs measured throughput with each
error. A large error is printed, not hidden.

The profile states its uncertainty: each figure's 90% interval (the probes resampled 200
times), and the spread of its predictions (the held-out errors), which the summary prints as
±N%. A run on the mock with it shows each throughput with the 90% interval the org's should
fall in: 23.1 (21.4–24.9).

Writes FILE (the profile, YAML), FILE's name with .calibration.json (every sample, the sweep,
the validation) and a .validation folder with both runs' results.

--check PROFILE probes the org again with a small sample (about 120 requests reading, under
300 with --allow-writes, cleanup included), and says figure by figure whether it still matches
the profile: a figure has drifted when its change is past both measurements' 90% intervals
combined and moves the cheapest call it is part of (a retrieve for the round trip, a $batch of
one for its parts) by more than 15% of that call's time. Scaling is not probed again. Exit 0 when every figure holds, 1
when one drifted (calibrate again). Writes PROFILE's name with .check.json.

Options:
  --out <file>          where the profile goes (.yaml); required
  --target <url>        the org (default: DATAVERSE_URL)
  --allow-writes        create, update and delete probe records (else reads and WhoAmI only)
  --max-requests <n>    request budget, cleanup and validation included (default 3000)
  --max-minutes <m>     time budget (default 5)
  --validate <n>        records per held-out strategy, as many as the budget leaves up to n
                        (default 200; 0 skips validation)
  --name <name>         the profile's name (default: calibrated-<host>)
  --scenario <file>     also time the tables and kinds this scenario uses
  --check <profile>     re-probe the org and compare with this calibrated profile
`;

/** With --scenario: what its tables cost against account's, and what was not measured. */
function tableLines(r: CalibrationResult): string[] {
  const t = r.tables;
  if (t === null) return [];
  const lines = [`  tables of ${t.scenario}: measured ${t.measured.join(', ') || 'none'}`];
  for (const [table, m] of Object.entries(t.multipliers)) lines.push(`    ${table}: ${m}× account's service time`);
  for (const p of t.plugins)
    lines.push(`    ${p.table} ${p.messages.join(', ')}: +${p.ms} ms (as a synchronous plug-in)`);
  for (const s of t.skipped) lines.push(`    ${s.table}: not measured, costs what account's does (${s.reason})`);
  if (t.unknown.length > 0) lines.push(`    not known before they run: ${t.unknown.join(', ')}`);
  return lines;
}

/** How far a run on the mock with this profile may be from the org: the interval its results will carry. */
function uncertaintyLine(r: CalibrationResult): string[] {
  const u = r.profile.profile.uncertainty;
  if (u === null || u === undefined) return [];
  const { high } = predictionInterval(1, u);
  return [
    `uncertainty: a run on the mock with this profile shows each throughput with its 90% interval, ` +
      `here ±${((high - 1) * 100).toFixed(0)}% (from ${u.degreesOfFreedom} held-out ` +
      `${u.basis === 'validation' ? 'strategies' : 'figures: no validation ran'}); each figure's own interval is in the profile`,
  ];
}

function summary(r: CalibrationResult): string {
  const lines = [`profile: ${r.profilePath}`, `  measured: ${r.measured.join(', ')}`];
  if (r.fromDefault.length > 0) lines.push(`  from the default profile: ${r.fromDefault.join(', ')}`);
  if (r.stoppedEarly !== null) lines.push(`  probing stopped early: ${r.stoppedEarly}`);
  const chosen = r.scaling?.chosen;
  if (chosen !== undefined)
    lines.push(
      `  scaling: ${chosen.name} (capacity ` +
        `${chosen.capacity ?? 'unlimited'}, serialized share ${chosen.serializedFraction.toFixed(3)}` +
        `${chosen.contention > 0 ? `, contention ${chosen.contention}: throughput falls past the knee` : ''})`,
    );
  lines.push(...tableLines(r));
  if (r.validation.length > 0) {
    lines.push('validation (strategies the fit never saw; throughput in ops/s):');
    lines.push('  strategy        predicted  measured   error');
    for (const v of r.validation)
      lines.push(
        `  ${v.strategy.padEnd(14)} ${v.predictedOpsPerSec.toFixed(1).padStart(10)} ${v.measuredOpsPerSec.toFixed(1).padStart(9)} ${`${v.errorPercent >= 0 ? '+' : ''}${v.errorPercent.toFixed(1)}%`.padStart(8)}${Math.abs(v.errorPercent) > 15 ? '  (large)' : ''}`,
      );
  } else lines.push(`validation: not run (${r.validationSkipped ?? 'no strategy could be compared'})`);
  lines.push(...uncertaintyLine(r));
  const left = r.cleanup.leftBehind;
  lines.push(
    `requests: ${r.requests}, ${(r.elapsedMs / 1000).toFixed(0)} s; records deleted: ` +
      `${r.cleanup.deleted}, left behind: ${left ?? 'unknown (the final check failed)'}`,
  );
  lines.push(`details: ${calibrationPath(r.profilePath)}`);
  return `${lines.join('\n')}\n`;
}

const calibrateOptions = {
  out: { type: 'string' },
  target: { type: 'string' },
  'allow-writes': { type: 'boolean' },
  'max-requests': { type: 'string' },
  'max-minutes': { type: 'string' },
  validate: { type: 'string' },
  name: { type: 'string' },
  check: { type: 'string' },
  scenario: { type: 'string' },
} as const;

export const calibrateCommand = defineCommand(
  {
    name: 'calibrate',
    help: calibrateHelp,
    options: calibrateOptions,
  },
  async ({ values }, io) => {
    if (values.check !== undefined) return runCheck(values, io);
    if (values.out === undefined)
      throw errorCatalogue.DVB_ERR_USAGE("dvbench calibrate: --out FILE is required. See 'dvbench calibrate --help'.");
    if (!/\.ya?ml$/i.test(values.out))
      throw errorCatalogue.DVB_ERR_USAGE(`dvbench calibrate: --out must name a .yaml file, got '${values.out}'.`);
    if (values.name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(values.name))
      throw errorCatalogue.DVB_ERR_USAGE(
        `dvbench calibrate: --name must be letters, digits, dot, dash or underscore, got '${values.name}'.`,
      );
    const maxRequests = intFlag('calibrate', 'max-requests', values['max-requests'], 100, 1_000_000) ?? 3000;
    const maxMinutes = intFlag('calibrate', 'max-minutes', values['max-minutes'], 1, 1440) ?? 5;
    const validationRecords = intFlag('calibrate', 'validate', values.validate, 0, 5000) ?? 200;
    const target = orgTarget(values.target);
    const controller = new AbortController();
    // Every in-flight request and wait of the sweep listens to it: up to 64 at once.
    setMaxListeners(256, controller.signal);
    const stop = (): void => {
      controller.abort('interrupted');
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const calibration = new Calibration({
        target,
        out: resolve(values.out),
        name: values.name ?? `calibrated-${new URL(target.url).hostname}`,
        allowWrites: values['allow-writes'] === true,
        maxRequests,
        maxMinutes,
        validationRecords,
        scenario: values.scenario === undefined ? undefined : await tablesOf(values.scenario),
        signal: controller.signal,
      });
      calibration.on('step', (s) => io.stderr.write(`dvbench calibrate: ${s}\n`));
      calibration.on('point', (p) =>
        io.stderr.write(
          `  ${String(p.workers).padStart(4)} workers: ` +
            `${p.opsPerSec.toFixed(1)} ops/s${p.throttled > 0 ? `, ${p.throttled} 429s` : ''}\n`,
        ),
      );
      const result = await calibration.run();
      io.stdout.write(summary(result));
      return result.cleanup.leftBehind === 0 && result.cleanup.failed === 0 ? EXIT.ok : EXIT.failed;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
);

function orgTarget(flag: string | undefined): Extract<ReturnType<typeof resolveTarget>, { kind: 'org' }> {
  const target = resolveTarget({ ...(flag === undefined ? {} : { flag }), env: process.env });
  if (target.kind !== 'org')
    throw errorCatalogue.DVB_ERR_USAGE(
      'dvbench calibrate: it measures an org; give --target URL or set DATAVERSE_URL (the ' +
        'embedded mock needs no calibration).',
    );
  return target;
}

const range = (r: readonly [number, number] | null): string =>
  r === null ? '–' : `${r[0].toFixed(2)}–${r[1].toFixed(2)}`;

const signed = (percent: number): string => `${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%`;

function checkSummary(c: ProfileCheck): string {
  const lines = [`profile ${c.profile} (${c.profilePath})`];
  if (c.measuredOn !== null && c.measuredOn !== c.checkedOn)
    lines.push(`  note: measured on ${c.measuredOn}, checked on ${c.checkedOn}`);
  lines.push(
    '  figure                          profile (90%)                now (90%)          change  on its call  holds',
  );
  for (const f of c.figures)
    lines.push(
      `  ${f.figure.padEnd(30)} ${f.profile.toFixed(2).padStart(8)} (${range(f.profileInterval)})`.padEnd(62) +
        `${f.now.toFixed(2).padStart(8)} (${range(f.nowInterval)})`.padEnd(24) +
        `${signed(f.changePercent).padStart(8)}  ${`${signed(f.callChangePercent)} of ${f.callMs.toFixed(0)} ms`.padStart(11)}  ${f.holds ? 'yes' : 'NO'}`,
    );
  const drifted = c.figures.filter((f) => !f.holds).map((f) => f.figure);
  lines.push(
    c.figures.length === 0
      ? 'nothing to compare: the check measured no figure the profile has'
      : drifted.length === 0
        ? `the org still matches the profile (${c.figures.length} figures)`
        : `the org drifted from the profile: ${drifted.join(', ')}; run dvbench calibrate again`,
  );
  lines.push(
    `requests: ${c.requests}, ${(c.elapsedMs / 1000).toFixed(0)} s; records deleted: ${c.cleanup.deleted}, ` +
      `left behind: ${c.cleanup.leftBehind ?? 'unknown (the final check failed)'}`,
  );
  return `${lines.join('\n')}\n`;
}

/** `--check PROFILE`: the drift check, exit 0 when the org still matches, 1 when it drifted. */
async function runCheck(values: CommandValues<typeof calibrateOptions>, io: CliIo): Promise<number> {
  // Not resolved here: a built-in name must reach the profile loader as a name, to be refused by it.
  const profilePath = values.check ?? '';
  const target = orgTarget(values.target);
  const check = await checkProfile({ target, profilePath, allowWrites: values['allow-writes'] === true });
  await writeJsonAtomic(resolve(profilePath).replace(/(\.ya?ml|\.json)?$/i, '.check.json'), check);
  io.stdout.write(checkSummary(check));
  return check.matches && check.cleanup.failed === 0 && check.cleanup.leftBehind === 0 ? EXIT.ok : EXIT.failed;
}

/** `--scenario FILE`: the tables and kinds it uses; a bad scenario is refused as `run` refuses it. */
async function tablesOf(path: string): Promise<{ path: string; tables: ScenarioTables }> {
  const loaded = await loadScenario(path);
  return { path: loaded.path, tables: scenarioTables(loaded.scenario) };
}
