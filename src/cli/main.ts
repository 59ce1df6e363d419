import { DvbenchError } from '../errors/DvbenchError.js';
import { ownValue } from '../../util/ownValue.js';
import { EXIT } from '../errors/errorCatalogue.js';
import { demoCommand, demoHelp } from './commands/demoCommand.js';
import { mockCommand, mockHelp } from './commands/mockCommand.js';
import type { CliIo } from './CliIo.js';
import { runCommand } from './commands/runCommand.js';
import { runHelp } from './commands/runHelp.js';
import { validateCommand, validateHelp } from './commands/validateCommand.js';
import { reportCommand, reportHelp } from './commands/reportCommand.js';
import { compareCommand, compareHelp } from './commands/compareCommand.js';
import { tuneCommand, tuneHelp } from './commands/tuneCommand.js';
import { mergeCommand, mergeHelp } from './commands/mergeCommand.js';
import { cleanupCommand, cleanupHelp } from './commands/cleanupCommand.js';
import { calibrateCommand, calibrateHelp } from './commands/calibrateCommand.js';
import { predictCommand, predictHelp } from './commands/predictCommand.js';
import { forecastCommand, forecastHelp } from './commands/forecastCommand.js';
import { readPackageVersion } from '../output/readPackageVersion.js';

export const mainHelp = `Usage: dvbench <command> [options]

Benchmarks and load-tests Microsoft Dataverse (Dynamics 365) Web API workloads.

Commands:
  run        run scenario files: every strategy on the same planned work, with a summary table
  validate   check scenario files without running anything
  report     re-render a run's reports (Markdown, HTML, charts, JUnit) from its results.json
  compare    compare two runs of a scenario: faster, slower or no significant change
  tune       how many workers? sweep concurrency, fit the USL, recommend a count
  calibrate  measure an org and write a cost profile that makes the mock predict it
  predict    check a profile's prediction: the scenario on the mock and on the org, side by side
  forecast   how long a long job takes on the org and which limit binds, from compressed runs
  merge      combine the results of a sharded run (--shard i/n) exactly
  cleanup    delete the records a run against an org left behind
  demo       start the embedded mock, exercise it with a few CRUD calls and print timings
  mock       run the mock Dataverse Web API server
  help       show help for a command (dvbench help mock)

Options:
  -h, --help     show this help
  -v, --version  print the version

Exit codes: 0 success, 1 a run failed, 2 invalid input (flag, file, scenario), 130 interrupted.
`;

const commands: Record<string, { run: (argv: readonly string[], io: CliIo) => Promise<number>; help: string }> = {
  run: { run: runCommand, help: runHelp },
  validate: { run: validateCommand, help: validateHelp },
  report: { run: reportCommand, help: reportHelp },
  compare: { run: compareCommand, help: compareHelp },
  tune: { run: tuneCommand, help: tuneHelp },
  calibrate: { run: calibrateCommand, help: calibrateHelp },
  predict: { run: predictCommand, help: predictHelp },
  forecast: { run: forecastCommand, help: forecastHelp },
  merge: { run: mergeCommand, help: mergeHelp },
  cleanup: { run: cleanupCommand, help: cleanupHelp },
  mock: { run: mockCommand, help: mockHelp },
  demo: { run: demoCommand, help: demoHelp },
};

function helpCommand(topic: string | undefined, io: CliIo): number {
  if (topic !== undefined && commands[topic] === undefined) {
    io.stderr.write(`dvbench help: no command '${topic}'. Commands: ${Object.keys(commands).join(', ')}.\n`);
    return EXIT.invalidInput;
  }
  io.stdout.write(topic === undefined ? mainHelp : (commands[topic]?.help ?? mainHelp));
  return EXIT.ok;
}

async function dispatch(command: string | undefined, rest: readonly string[], io: CliIo): Promise<number> {
  if (command === undefined || command === '-h' || command === '--help') return helpCommand(undefined, io);
  if (command === '-v' || command === '--version') {
    io.stdout.write(`${readPackageVersion()}\n`);
    return EXIT.ok;
  }
  if (command === 'help') return helpCommand(rest[0], io);
  const entry = ownValue(commands, command);
  if (entry === undefined) {
    io.stderr.write(
      `dvbench: unknown command '${command}'. Commands: ${Object.keys(commands).join(', ')}. See 'dvbench --help'.\n`,
    );
    return EXIT.invalidInput;
  }
  return entry.run(rest, io);
}

/** Runs one CLI invocation and returns its exit code; user mistakes print one message, no stack. */
export async function main(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    return await dispatch(command, rest, io);
  } catch (error) {
    if (error instanceof DvbenchError) {
      io.stderr.write(`${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(
      `dvbench: unexpected error (please report it): ` +
        `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.failed;
  }
}
