import type { SloResult, SloWindow } from '../../load/SloTracker.js';

/**
 * The window furthest on the wrong side of the objective: the highest value for `<`/`<=`, the
 * lowest for `>`/`>=`, the furthest off for `==`; a window where nothing finished is worst.
 */
export function worstWindow(slo: SloResult): SloWindow | undefined {
  const { op, value: bound } = slo.spec;
  const badness = (w: SloWindow): number => {
    if (w.value === null) return Number.POSITIVE_INFINITY;
    if (op === '<' || op === '<=') return w.value;
    if (op === '>' || op === '>=') return -w.value;
    return Math.abs(w.value - bound);
  };
  let worst: SloWindow | undefined;
  for (const w of slo.windows) if (!w.ok && (worst === undefined || badness(w) > badness(worst))) worst = w;
  return worst;
}

/** `missed in 5 of 8 windows` or `met in all 8 windows`: the count says which. */
export function windowCount(slo: SloResult): string {
  const missed = slo.windows.filter((w) => !w.ok).length;
  return missed === 0
    ? `met in all ${slo.windows.length} windows`
    : `missed in ${missed} of ${slo.windows.length} windows`;
}

const fmt = (v: number): string => v.toFixed(1);

/** `30.0–40.0 s: 2933.4` or `30.0–40.0 s: nothing finished`. */
export function describeWindow(w: SloWindow): string {
  return (
    `${fmt(w.from)}–${fmt(w.to)} s: ` +
    (w.value === null ? 'nothing finished' : String(Math.round(w.value * 100) / 100))
  );
}
