import { EXIT, errorCatalogue } from '../../errors/errorCatalogue.js';
import { expandStrategies } from '../../strategies/expandStrategies.js';
import { defineCommand } from '../parseCommandArgs.js';
import { loadScenarioFiles } from './loadScenarioFiles.js';

export const validateHelp = `Usage: dvbench validate <scenario.yaml|folder>...

Checks scenario files without running anything: the schema and its rules, every $filter,
$select and $orderby parsed as the mock parses them, and table, column, navigation property and
alternate-key names against the mock's tables (the standard ones plus mock.tables). Strategies
may be written as dvbench names them (async:8, batch:100x2, transaction:4, bulk:100x2, ...).
Prints one line per problem: file:line:col: path: rule. Exit code 2 if any is invalid.
`;

export const validateCommand = defineCommand(
  { name: 'validate', help: validateHelp, options: {}, positionals: true },
  async ({ positionals }, io) => {
    if (positionals.length === 0)
      throw errorCatalogue.DVB_ERR_USAGE(
        "dvbench validate: give one or more scenario files or folders. See 'dvbench validate --help'.",
      );
    const loaded = await loadScenarioFiles(positionals);
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
      'Queries were parsed as the mock parses them, and table, column and navigation property ' +
        "names checked against the mock's tables (standard plus mock.tables); against an org, " +
        'names are checked by the org when the run starts.\n',
    );
    return EXIT.ok;
  },
);
