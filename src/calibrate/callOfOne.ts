/** Records on the query page a `perRecordMs` figure is judged on. */
const PAGE = 50;

/** The figures a call of one of each kind adds up, beside the round trip. */
const PARTS: Readonly<Record<string, readonly string[]>> = {
  roundTripMs: ['read'],
  perRecordMs: ['read'],
  batch: ['batch', 'batchItem'],
  batchItem: ['batch', 'batchItem'],
  changeset: ['batch', 'changeset', 'batchItem'],
  bulk: ['bulk', 'bulkCreate'],
  bulkCreate: ['bulk', 'bulkCreate'],
  bulkUpdate: ['bulk', 'bulkUpdate'],
};

/** `latency.create.baseMs` → `create`; `latency.roundTripMs` → `roundTripMs`. */
function kindOf(figure: string): string {
  return figure.replace(/^latency\./, '').replace(/\.baseMs$/, '');
}

/**
 * What a figure weighs in the cheapest call it is part of: that call's time (the round trip,
 * and the figures a call of one of its kind adds up: a retrieve for the round trip, a `$batch`
 * of one for its items, a page of 50 for `perRecordMs`), and how many times the figure counts
 * in it. A drift check judges a change by what it does to that call: a figure that moved 2 ms
 * matters on a 10 ms call, not on a 60 ms one.
 */
export function callOfOne(figure: string, figures: ReadonlyMap<string, number>): { ms: number; times: number } {
  const kind = kindOf(figure);
  // Either path latencyFigures writes: a plain number, or a cost spec's base.
  const value = (k: string): number => figures.get(`latency.${k}`) ?? figures.get(`latency.${k}.baseMs`) ?? 0;
  const times = kind === 'perRecordMs' ? PAGE : 1;
  const parts = PARTS[kind] ?? [kind];
  const ms =
    value('roundTripMs') + parts.reduce((a, k) => a + value(k), 0) + (kind === 'perRecordMs' ? times * value(kind) : 0);
  return { ms, times };
}
