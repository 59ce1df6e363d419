import { resolve } from 'node:path';
import { folderTimestamp } from '../../output/folderTimestamp.js';
import { EXIT, errorCatalogue } from '../../errors/errorCatalogue.js';
import { forecastJob, span, type ForecastRow } from '../../runner/forecastJob.js';
import { loadScenario } from '../../scenario/loadScenario.js';
import { interruptOnSignals } from '../interruptOnSignals.js';
import { defineCommand, intFlag, onePositional } from '../parseCommandArgs.js';
import { parseTimeScaleFlag } from './timeScaleFlag.js';

export const forecastHelp = `Usage: dvbench forecast <scenario> [--users 1,2,4] [--time-scale N|auto] [--profile P] [--out DIR]

How long a long job takes on the org, and which limit binds: runs the scenario's job (its
workloads at their full size, e.g. a million creates, with its one strategy) once per count of
application users, time-compressed on the embedded mock with the scenario's cost profile, and
reads each run in the org's time: the job's duration, its throughput, the service protection
limit that sent 429s (number of requests, execution time, concurrent requests) and when the
first came, and the daily request entitlement its operations use. Says how many users remove
the binding limit. Writes DIR/forecast.json and each run's results.json.

Options:
  --users <a,b,c>       application users to try, each a run (default 1,2,4)
  --time-scale <N|auto> compress the org's time N times (default auto: the largest this
                        machine holds for the job, see 'dvbench run --help')
  --profile <name|file> the mock's costs (default: the scenario's, else 'default')
  --strategies <name>   the one strategy to run, when the scenario lists several
  --entitlement <n>     requests per user per 24 hours the licences carry (default 40000, a
                        Dynamics 365 Enterprise licence)
  --out <dir>           output folder (default reports/<scenario>-forecast-<timestamp>/)
  -h, --help            show this help

The daily entitlement is counted, not run: Dataverse does not throttle on it. What the job
writes is not audited (reading back a million records would take longer than the job): run it
with 'dvbench run' at a smaller size for that. Exit codes: 0 a forecast, 2 invalid input, 130
interrupted.
`;

const FORECAST_OPTIONS = {
  users: { type: 'string' },
  'time-scale': { type: 'string' },
  profile: { type: 'string' },
  strategies: { type: 'string' },
  entitlement: { type: 'string' },
  out: { type: 'string' },
} as const;

function usersFlag(text: string | undefined): number[] {
  if (text === undefined) return [1, 2, 4];
  const users = text.split(',').map((u) => u.trim());
  if (users.some((u) => !/^\d+$/.test(u) || Number(u) < 1 || Number(u) > 64))
    throw errorCatalogue.DVB_ERR_USAGE(
      `dvbench forecast: --users must be a comma list of user counts from 1 to 64 (e.g. 1,2,4), got '${text}'.`,
    );
  return [...new Set(users.map(Number))].sort((a, b) => a - b);
}

function rowLine(r: ForecastRow): string {
  const throttled = Object.values(r.throttledByCode).reduce((a, n) => a + n, 0);
  return (
    `  ${String(r.users).padStart(3)} user(s): ${span(r.orgSeconds)} on the org (${r.opsPerSec.toFixed(1)} ops/s), ` +
    (throttled === 0
      ? 'no 429s'
      : `${throttled} 429s, ${r.bindingLimit ?? '?'} from ${span(r.firstThrottledAtSeconds ?? 0)}`) +
    `${r.failedOperations > 0 ? `, ${r.failedOperations} failed` : ''}; ${span(r.realSeconds)} here at ×${r.timeScale}\n`
  );
}

/** `dvbench forecast`: a long job's duration and binding limit, from compressed runs on the mock. */
export const forecastCommand = defineCommand(
  { name: 'forecast', help: forecastHelp, options: FORECAST_OPTIONS, positionals: true },
  async ({ values, positionals }, io) => {
    const file = onePositional('forecast', positionals, 'scenario file');
    const users = usersFlag(values.users);
    const timeScale = parseTimeScaleFlag('forecast', values['time-scale']) ?? 'auto';
    const entitlement = intFlag('forecast', 'entitlement', values.entitlement, 1, 1e9) ?? 40_000;
    const loaded = await loadScenario(file, {
      target: 'mock',
      ...(values.profile === undefined ? {} : { profile: values.profile }),
    });
    if (loaded.scenario.load !== undefined)
      throw errorCatalogue.DVB_ERR_USAGE(
        `dvbench forecast: ${file} is a load test; a forecast runs a job of a given size (workloads and one strategy).`,
      );
    const outDir = resolve(values.out ?? `reports/${loaded.scenario.name}-forecast-${folderTimestamp()}`);
    const only = values.strategies?.split(',').map((s) => s.trim());
    io.stderr.write(
      `dvbench forecast: ${loaded.scenario.name}: ${users.join(', ')} application user(s), on the embedded mock\n`,
    );
    const interrupt = interruptOnSignals(io.stderr);
    try {
      const forecast = await forecastJob(loaded, {
        outDir,
        users,
        timeScale,
        entitlementPerUserPerDay: entitlement,
        only,
        signal: interrupt.signal,
        onRow: (r) => io.stderr.write(rowLine(r)),
      });
      if (interrupt.signal.aborted)
        throw errorCatalogue.DVB_ERR_INTERRUPTED(`dvbench forecast: interrupted; what finished is in ${outDir}`);
      io.stdout.write(`${forecast.sentence}\nforecast.json: ${resolve(outDir, 'forecast.json')}\n`);
      return EXIT.ok;
    } finally {
      interrupt.dispose();
    }
  },
);
