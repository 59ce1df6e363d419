/**
 * The time a run has left: each remaining repetition at its strategy's estimate from the cost
 * model, scaled by how the finished repetitions compared with theirs, plus the work around it (so a model that is 20%
 * optimistic on this machine or org is corrected as the run goes). Pure: fed by the progress
 * reporter.
 */
export class RunEta {
  readonly #remaining: Map<string, { count: number; estimateMs: number; overheadMs: number }>;
  #measuredMs = 0;
  #estimatedMs = 0;

  readonly #timeScale: number;

  /** `timeScale`: the estimates and finished repetitions are in an org's time, this many times slower than real. */
  constructor(
    estimates: readonly { name: string; repetitionMs: number; overheadMs?: number }[],
    repetitionsEach: number,
    timeScale = 1,
  ) {
    this.#timeScale = timeScale;
    this.#remaining = new Map(
      estimates.map((e) => [
        e.name,
        { count: repetitionsEach, estimateMs: e.repetitionMs, overheadMs: e.overheadMs ?? 0 },
      ]),
    );
  }

  /** A repetition (warm-up included) of `name` ended after `wallMs`. */
  finished(name: string, wallMs: number): void {
    const r = this.#remaining.get(name);
    if (r === undefined || r.count === 0) return;
    r.count--;
    this.#measuredMs += wallMs;
    this.#estimatedMs += r.estimateMs;
  }

  /**
   * What is left, ms: the measured work corrected by the ratio measured so far (held within 4×
   * either way), and the work around each repetition (reset, audit, workers starting) as estimated.
   */
  remainingMs(): number {
    const ratio = this.#estimatedMs > 0 ? Math.min(4, Math.max(0.25, this.#measuredMs / this.#estimatedMs)) : 1;
    let left = 0;
    for (const r of this.#remaining.values())
      left += r.count * ((r.estimateMs * ratio) / this.#timeScale + r.overheadMs);
    return left;
  }
}

/** `about 42 s left`, `about 3.5 min left`. */
export function formatLeft(ms: number): string {
  const s = ms / 1000;
  if (s < 1) return 'under a second left';
  if (s < 90) return `about ${Math.round(s)} s left`;
  if (s < 5400) return `about ${(s / 60).toFixed(1)} min left`;
  return `about ${(s / 3600).toFixed(1)} h left`;
}
