import { EXIT } from '../errors/errorCatalogue.js';
import { exitNow } from '../strategies/scriptExitGuard.js';

/** The first Ctrl-C finishes what is in flight and writes partial results; the second quits at once. */
export function interruptOnSignals(stderr: NodeJS.WritableStream): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (name: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) exitNow(EXIT.interrupted);
    stderr.write(
      `\ndvbench: ${name}: finishing the operations in flight and writing partial results (again to quit at once)\n`,
    );
    controller.abort(name);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
