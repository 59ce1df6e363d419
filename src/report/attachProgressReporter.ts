import type { ScenarioRun } from '../runner/ScenarioRun.js';
import type { SetupStep } from '../target/RunTarget.js';
import { formatLeft, RunEta } from './RunEta.js';

/** How often a plain (non-terminal) log gets a line during one repetition. */
const PLAIN_PROGRESS_MS = 10_000;

const SETUP_LABELS: Readonly<Record<SetupStep, string>> = {
  data: "creating the scenario's data (not measured)",
  restore: 'restoring the records a repetition changed (not measured)',
  cleanup: 'deleting what the run created',
};

function compressedNote(timeScale: number): string {
  return timeScale === 1 ? '' : ` (time-compressed ×${timeScale}: times shown are the org's)`;
}

/**
 * Progress on stderr: a live bar on a terminal; one plain line per repetition when not a
 * terminal or under CI=true (so CI logs stay readable).
 */
export function attachProgressReporter(
  run: ScenarioRun,
  stream: NodeJS.WriteStream | NodeJS.WritableStream,
  options: { quiet?: boolean; plainEveryMs?: number } = {},
): void {
  if (options.quiet === true) return;
  const tty = 'isTTY' in stream && stream.isTTY && process.env.CI !== 'true';
  let lastDraw = 0;
  let eta: RunEta | undefined;
  run.on('start', (e) => {
    eta = new RunEta(e.estimates, e.repetitionsEach, e.timeScale);
    const total = formatLeft(eta.remainingMs()).replace(/ left$/, '');
    stream.write(
      `dvbench: ${e.scenario}: ${e.strategies.length} strateg` +
        `${e.strategies.length === 1 ? 'y' : 'ies'}, ${e.operations} operations each, target ` +
        `${e.target}; ${total} by the cost model${compressedNote(e.timeScale)}\n`,
    );
  });
  run.on('strategy-start', (e) => {
    lastLine = Date.now();
    stream.write(
      `[${e.index + 1}/${e.count}] ${e.name}: ${e.warmup} warm-up + ${e.repetitions} measured repetition(s)\n`,
    );
  });
  // Without a terminal, a long repetition still says it is alive: one line every 10 s.
  let lastLine = Date.now();
  run.on('progress', (e) => {
    if (!tty) {
      const now = Date.now();
      if (now - lastLine < (options.plainEveryMs ?? PLAIN_PROGRESS_MS) || e.done >= e.total) return;
      lastLine = now;
      stream.write(
        `  ${e.warmup ? 'warm-up' : `repetition ${e.repetition}`}: ${e.done}/${e.total} operations so far\n`,
      );
      return;
    }
    const now = Date.now();
    if (now - lastDraw < 100 && e.done < e.total) return;
    lastDraw = now;
    const width = 30;
    const filled = Math.round((e.done / Math.max(1, e.total)) * width);
    const label = e.warmup ? 'warm-up' : `rep ${e.repetition}`;
    stream.write(
      `\r  ${label.padEnd(8)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${e.done}/${e.total} ops`,
    );
  });
  run.on('repetition', (e) => {
    lastLine = Date.now();
    const label = e.warmup ? 'warm-up' : `repetition ${e.repetition}`;
    eta?.finished(e.name, e.wallMs);
    const left = eta === undefined ? '' : ` (run: ${formatLeft(eta.remainingMs())})`;
    stream.write(
      `${tty ? '\r\x1b[2K' : ''}  ${label}: ${e.wallMs.toFixed(0)} ms, ` +
        `${e.opsPerSec.toFixed(1)} ops/s${e.failed > 0 ? `, ${e.failed} failed` : ''}${left}\n`,
    );
  });
  run.on('setup', (e) => {
    const label = SETUP_LABELS[e.step];
    if (tty) stream.write(`\r\x1b[2K  ${label}: ${e.done}/${e.total} records${e.done === e.total ? '\n' : ''}`);
    else if (e.done === e.total) stream.write(`  ${label}: ${e.total} records\n`);
  });
  run.on('warning', (w) => {
    stream.write(`  warning: ${w}\n`);
  });
}
