import type { LoadRun } from '../../load/LoadRun.js';

const n1 = (v: number): string => v.toFixed(1);

/**
 * One line per interval, TTY or CI alike: the stage, time left, the planned and achieved rate,
 * p95, in flight, and what went wrong in the interval (dropped, late, 429s, failed). Figures are
 * the org's time; on a time-compressed mock, the time left is the real one.
 */
export function attachLoadProgress(run: LoadRun, stderr: NodeJS.WritableStream, quiet: boolean): void {
  if (quiet) return;
  let timeScale = 1;
  run.on('start', (s) => {
    timeScale = s.timeScale;
    const compressed =
      timeScale === 1 ? '' : ` (time-compressed ×${timeScale}: about ${n1(s.plannedSeconds / timeScale)} s real)`;
    stderr.write(
      `load: ${s.arrivals} arrivals planned over ${n1(s.plannedSeconds)} s${compressed} against ${s.target}\n`,
    );
    for (const w of s.warnings) stderr.write(`warning: ${w}\n`);
  });
  run.on('point', (p, at) => {
    const throttled = Object.values(p.throttledByCode).reduce((a, b) => a + b, 0);
    stderr.write(
      `  [stage ` +
        `${at.stage}/${at.stages}] ${n1(p.t)} s  planned ` +
        `${n1(p.targetRate)}/s  done ` +
        `${n1(p.opsPerSec)}/s  p95 ${n1(p.p95)} ms  in flight ${p.inFlightMax}  dropped ${p.dropped}  late ${p.late}  429s ${throttled}  failed ${p.failed}  (${Math.ceil(at.remainingSeconds / timeScale)} s left)\n`,
    );
  });
  run.on('slo-lost', (l) => {
    stderr.write(`  objective missed: ${l.name} in ${n1(l.from)}–${n1(l.to)} s (${l.value ?? 'nothing finished'})\n`);
  });
}
