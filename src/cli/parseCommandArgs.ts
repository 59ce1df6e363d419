import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT, errorCatalogue } from '../errors/errorCatalogue.js';
import type { CliIo } from './CliIo.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What `parseArgs` answers for these options: named, because the declarations must name it. */
type ParsedArgs<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: boolean; allowNegative: false }>
>;

/** The flags' values a command gets for these options. */
export type CommandValues<T extends Options> = ParsedArgs<T>['values'];

/**
 * `util.parseArgs` in strict mode, with its errors turned into a usage error that names the
 * command, the flag and where to look.
 */
function parseCommandArgs<T extends Options>(
  command: string,
  argv: readonly string[],
  options: T,
  allowPositionals = false,
): ParsedArgs<T> {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals, allowNegative: false });
  } catch (error) {
    // Node's wording ends in advice about '--' that does not apply to dvbench; keep the first sentence.
    const first = (error as Error).message.split(/\. (?=To specify|This command)/)[0] ?? '';
    const message = first.endsWith('.') ? first : `${first}.`;
    throw errorCatalogue.DVB_ERR_USAGE(`dvbench ${command}: ${message} See 'dvbench ${command} --help'.`);
  }
}

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * A command: its flags parsed (`-h`/`--help` added; a usage error names the flag), the help
 * printed when asked for (exit 0), else its body.
 */
export function defineCommand<T extends Options>(
  command: { readonly name: string; readonly help: string; readonly options: T; readonly positionals?: boolean },
  body: (args: ParsedArgs<T & typeof HELP>, io: CliIo) => Promise<number>,
): (argv: readonly string[], io: CliIo) => Promise<number> {
  return async (argv, io) => {
    const options = { ...command.options, ...HELP };
    const args = parseCommandArgs(command.name, argv, options, command.positionals ?? false);
    if ((args.values as { help?: boolean }).help !== true) return body(args, io);
    io.stdout.write(command.help);
    return EXIT.ok;
  };
}

/** The one positional a command takes, or a usage error that says what to give. */
export function onePositional(command: string, positionals: readonly string[], what: string): string {
  const [first, extra] = positionals;
  if (first === undefined || extra !== undefined)
    throw errorCatalogue.DVB_ERR_USAGE(
      `dvbench ${command}: give exactly one ${what}. See 'dvbench ${command} --help'.`,
    );
  return first;
}

function boundedFlag(
  what: { command: string; flag: string; whole: boolean },
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const shaped = what.whole ? /^\d+$/.test(value) : value.trim() !== '' && Number.isFinite(n);
  if (!shaped || n < min || n > max) {
    const kind = what.whole ? 'a whole number' : 'a number';
    throw errorCatalogue.DVB_ERR_USAGE(
      `dvbench ${what.command}: --${what.flag} must be ${kind} from ${min} to ${max}, got '${value}'.`,
    );
  }
  return n;
}

type FlagReader = (
  command: string,
  flag: string,
  value: string | undefined,
  min: number,
  max: number,
) => number | undefined;

function flagReader(whole: boolean): FlagReader {
  return (command, flag, value, min, max) => boundedFlag({ command, flag, whole }, value, min, max);
}

/** A number flag within bounds (fractions allowed), or a usage error naming the flag and the rule. */
export const numberFlag = flagReader(false);

/** A whole number flag within bounds, or a usage error naming the flag and the rule. */
export const intFlag = flagReader(true);
