import type { FigureIntervals } from './bootstrapCosts.js';
import type { ValidationRow } from './validateProfile.js';

export interface ProfileUncertainty {
  readonly confidence: 0.9;
  readonly figures: FigureIntervals;
  readonly predictionLogSd: number;
  readonly degreesOfFreedom: number;
  readonly basis: 'validation' | 'figures';
}

/** Below this the held-out strategies agreed by luck more than by merit: a prediction is not surer than 2%. */
const FLOOR = 0.02;
/** Without validation, the model's own error is assumed to be this, beside the figures' spread. */
const MODEL_FLOOR = 0.05;
/** The figures a throughput mostly rests on. */
const MAIN_FIGURES = ['latency.create.baseMs', 'latency.update.baseMs', 'latency.read.baseMs', 'latency.roundTripMs'];

/**
 * How sure a profile is: each figure's interval from its samples, and the spread of its
 * predictions, from the held-out strategies' errors in ln(predicted ÷ measured) (bias and
 * noise both count: their root mean square, not their standard deviation). Without two
 * held-out strategies to go by, the widest relative interval of the main figures, at least 5%.
 */
export function profileUncertainty(rows: readonly ValidationRow[], figures: FigureIntervals): ProfileUncertainty {
  const errors = rows
    .filter((r) => r.predictedOpsPerSec > 0 && r.measuredOpsPerSec > 0)
    .map((r) => Math.log(r.predictedOpsPerSec / r.measuredOpsPerSec));
  if (errors.length >= 2) {
    const rms = Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length);
    return {
      confidence: 0.9,
      figures,
      predictionLogSd: round(Math.max(FLOOR, rms)),
      degreesOfFreedom: errors.length,
      basis: 'validation',
    };
  }
  const spreads = MAIN_FIGURES.flatMap((path) => {
    const [low, high] = figures[path] ?? [0, 0];
    return low > 0 && high > 0 ? [Math.log(high / low) / (2 * 1.645)] : [];
  });
  return {
    confidence: 0.9,
    figures,
    predictionLogSd: round(Math.max(MODEL_FLOOR, ...spreads)),
    degreesOfFreedom: 30,
    basis: 'figures',
  };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
