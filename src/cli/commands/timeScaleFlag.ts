import { errorCatalogue } from '../../errors/errorCatalogue.js';
import { chooseLoadTimeScale, chooseTimeScale } from '../../runner/chooseTimeScale.js';
import type { LoadedScenario } from '../../scenario/loadScenario.js';
import type { TargetSpec } from '../../target/resolveTarget.js';
import type { CliIo } from '../CliIo.js';

/** `--time-scale`: a number of times faster than the org's time, or `auto`. */
export type TimeScaleFlag = number | 'auto';

const MAX_TIME_SCALE = 1000;

/** Reads `--time-scale`; a usage error that names the flag and the rule otherwise. */
export function parseTimeScaleFlag(command: string, text: string | undefined): TimeScaleFlag | undefined {
  if (text === undefined) return undefined;
  if (text.trim().toLowerCase() === 'auto') return 'auto';
  const n = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!(n >= 1 && n <= MAX_TIME_SCALE))
    throw errorCatalogue.DVB_ERR_USAGE(
      `dvbench ${command}: --time-scale must be 'auto' or a number from 1 to ${MAX_TIME_SCALE} ` +
        `(how many times faster than the org's the mock's clock runs), got '${text}'.`,
    );
  return n;
}

/**
 * Compressed time is the embedded mock's: an org's clock runs at its own pace, so the flag is
 * refused there rather than ignored.
 */
function refuseTimeScaleOnOrg(command: string, targets: readonly TargetSpec[]): void {
  const org = targets.find((t) => t.kind === 'org');
  if (org?.kind === 'org')
    throw errorCatalogue.DVB_ERR_USAGE(
      `dvbench ${command}: --time-scale compresses the embedded mock's time, and ${org.url} is an ` +
        `org, whose time runs at its own pace. Drop --time-scale, or pass --target mock.`,
    );
}

/** The scenario with its mock's clock set to `timeScale`. */
function withTimeScale(loaded: LoadedScenario, timeScale: number): LoadedScenario {
  const { scenario } = loaded;
  return { ...loaded, scenario: { ...scenario, mock: { ...scenario.mock, timeScale } } };
}

/**
 * The scenarios with `--time-scale` applied: refused on an org; `auto` chosen scenario by
 * scenario (a load test by its peak arrival rate), and said.
 */
export function applyTimeScale(
  loaded: readonly LoadedScenario[],
  targets: readonly TargetSpec[],
  options: {
    readonly flag: TimeScaleFlag | undefined;
    readonly only: readonly string[] | undefined;
    readonly io: CliIo;
  },
): LoadedScenario[] {
  const { flag, io } = options;
  if (flag === undefined) return [...loaded];
  refuseTimeScaleOnOrg('run', targets);
  return loaded.map((l) => {
    if (flag !== 'auto') return withTimeScale(l, flag);
    const choice =
      l.scenario.load === undefined ? chooseTimeScale(l.scenario, options.only) : chooseLoadTimeScale(l.scenario);
    io.stderr.write(`dvbench: ${l.scenario.name}: --time-scale auto chose ×${choice.timeScale}: ${choice.reason}\n`);
    return withTimeScale(l, choice.timeScale);
  });
}
