import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import { resolveTarget } from '../../target/resolveTarget.js';
import { EXIT, errorCatalogue } from '../../errors/errorCatalogue.js';
import { calibrationPath, Calibration, type CalibrationResult } from '../../calibrate/Calibration.js';
import { defineCommand, intFlag } from '../parseCommandArgs.js';

export const calibrateHelp = `Usage: dvbench calibrate --out FILE [--target URL] [--allow-writes] [--max-requests N]
                         [--max-minutes M] [--validate N] [--name NAME]

Measures an org and writes a cost profile for the embedded mock, so runs on the mock predict
the org. Target and credentials as for 'dvbench run' (DATAVERSE_URL, DATAVERSE_TOKEN or an
app registration). In order, one call at a time unless said:
  round trip     unauthenticated requests, answered 401 before any server work
  operations     retrieve; with --allow-writes also create, update and delete
  $batch, bulk   sizes 1, 5 and 25, to split each request's overhead from each item's cost
                 (bulk: CreateMultiple and UpdateMultiple, with --allow-writes only)
  query pages    1 record and up to 500, for the cost per record returned
  concurrency    1, 2, 4, ... workers (at most 64) until throughput levels off or falls or
                 a 429 comes, then up to three counts inside the knee's bracket; the
                 plateau is replayed on the embedded mock as a capacity or a serialized
                 share, and the closer one kept
The same probes run against a zero-cost mock on this machine first: subtracting them takes
this machine's own client and HTTP stack out of the org's figures.

Safe on a real org: without --allow-writes it only reads; with it, it writes only records
it creates (named dvbench-calibrate-<tag>), deletes them all, and proves with a final query
that none is left. It stops probing when the budget is spent or the org reports fewer than
500 requests left in its service protection window, and fits what it measured; whatever it
could not measure comes from the 'default' profile, and the profile says which.

Then it validates: it runs strategies it did not fit on (sequential, async at the dop hint
and twice it, $batch of 50, bulk of 100, changesets) on the org and on the embedded mock with
the new profile, and prints predicted vs measured throughput with each error. A large error
is printed, not hidden.

Writes FILE (the profile, YAML), FILE's name with .calibration.json (every sample, the sweep,
the validation) and a .validation folder with both runs' results.

Options:
  --out <file>          where the profile goes (.yaml); required
  --target <url>        the org (default: DATAVERSE_URL)
  --allow-writes        create, update and delete probe records (else reads and WhoAmI only)
  --max-requests <n>    request budget, cleanup and validation included (default 3000)
  --max-minutes <m>     time budget (default 5)
  --validate <n>        records per held-out strategy (default 100; 0 skips validation)
  --name <name>         the profile's name (default: calibrated-<host>)
`;

function summary(r: CalibrationResult): string {
  const lines = [`profile: ${r.profilePath}`, `  measured: ${r.measured.join(', ')}`];
  if (r.fromDefault.length > 0) lines.push(`  from the default profile: ${r.fromDefault.join(', ')}`);
  if (r.stoppedEarly !== null) lines.push(`  probing stopped early: ${r.stoppedEarly}`);
  const chosen = r.scaling?.chosen;
  if (chosen !== undefined)
    lines.push(
      `  scaling: ${chosen.name} (capacity ` +
        `${chosen.capacity ?? 'unlimited'}, serialized share ${chosen.serializedFraction.toFixed(3)})`,
    );
  if (r.validation.length > 0) {
    lines.push('validation (strategies the fit never saw; throughput in ops/s):');
    lines.push('  strategy        predicted  measured   error');
    for (const v of r.validation)
      lines.push(
        `  ${v.strategy.padEnd(14)} ${v.predictedOpsPerSec.toFixed(1).padStart(10)} ${v.measuredOpsPerSec.toFixed(1).padStart(9)} ${`${v.errorPercent >= 0 ? '+' : ''}${v.errorPercent.toFixed(1)}%`.padStart(8)}${Math.abs(v.errorPercent) > 15 ? '  (large)' : ''}`,
      );
  } else lines.push(`validation: not run (${r.validationSkipped ?? 'no strategy could be compared'})`);
  const left = r.cleanup.leftBehind;
  lines.push(
    `requests: ${r.requests}, ${(r.elapsedMs / 1000).toFixed(0)} s; records deleted: ` +
      `${r.cleanup.deleted}, left behind: ${left ?? 'unknown (the final check failed)'}`,
  );
  lines.push(`details: ${calibrationPath(r.profilePath)}`);
  return `${lines.join('\n')}\n`;
}

export const calibrateCommand = defineCommand(
  {
    name: 'calibrate',
    help: calibrateHelp,
    options: {
      out: { type: 'string' },
      target: { type: 'string' },
      'allow-writes': { type: 'boolean' },
      'max-requests': { type: 'string' },
      'max-minutes': { type: 'string' },
      validate: { type: 'string' },
      name: { type: 'string' },
    },
  },
  async ({ values }, io) => {
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
    const validationRecords = intFlag('calibrate', 'validate', values.validate, 0, 5000) ?? 100;
    const target = resolveTarget({ ...(values.target === undefined ? {} : { flag: values.target }), env: process.env });
    if (target.kind !== 'org')
      throw errorCatalogue.DVB_ERR_USAGE(
        'dvbench calibrate: it measures an org; give --target URL or set DATAVERSE_URL (the ' +
          'embedded mock needs no calibration).',
      );
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
