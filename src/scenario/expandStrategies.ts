import type { StrategyInput } from './scenarioSchema.js';

/** One concrete strategy: lists in the scenario (`workers: [1, 2, 4]`) expand into one each. */
export type StrategySpec =
  | { readonly kind: 'sequential'; readonly name: string; readonly concurrency: 1 }
  | { readonly kind: 'async'; readonly name: string; readonly workers: number; readonly concurrency: number }
  | { readonly kind: 'threads'; readonly name: string; readonly workers: number; readonly concurrency: number }
  | { readonly kind: 'processes'; readonly name: string; readonly workers: number; readonly concurrency: number }
  | {
      readonly kind: 'batch';
      readonly name: string;
      readonly size: number;
      readonly inFlight: number;
      readonly continueOnError: boolean;
      readonly concurrency: number;
    }
  | { readonly kind: 'transaction'; readonly name: string; readonly inFlight: number; readonly concurrency: number }
  | {
      readonly kind: 'bulk';
      readonly name: string;
      readonly size: number;
      readonly inFlight: number;
      readonly concurrency: number;
    }
  | {
      readonly kind: 'adaptive';
      readonly name: string;
      readonly max: number;
      readonly start: number | undefined;
      readonly concurrency: number;
    };

const asList = (v: number | readonly number[]): readonly number[] => (typeof v === 'number' ? [v] : v);

/** Names are stable identifiers used in results, thresholds and comparisons: `async:8`, `batch:100x2`. */
export function expandStrategies(inputs: readonly StrategyInput[]): StrategySpec[] {
  const out: StrategySpec[] = [];
  for (const s of inputs) {
    if (s === 'sequential' || s.kind === 'sequential') {
      out.push({ kind: 'sequential', name: 'sequential', concurrency: 1 });
      continue;
    }
    switch (s.kind) {
      case 'async':
      case 'threads':
      case 'processes':
        for (const workers of asList(s.workers))
          out.push({ kind: s.kind, name: `${s.kind}:${workers}`, workers, concurrency: workers });
        break;
      case 'batch':
        for (const size of asList(s.size)) {
          for (const inFlight of asList(s.inFlight)) {
            out.push({
              kind: 'batch',
              name: `batch:${size}x${inFlight}${s.continueOnError ? '' : ':stop'}`,
              size,
              inFlight,
              continueOnError: s.continueOnError,
              concurrency: inFlight,
            });
          }
        }
        break;
      case 'transaction':
        for (const inFlight of asList(s.inFlight))
          out.push({ kind: 'transaction', name: `transaction:${inFlight}`, inFlight, concurrency: inFlight });
        break;
      case 'adaptive':
        out.push({ kind: 'adaptive', name: `adaptive:${s.max}`, max: s.max, start: s.start, concurrency: s.max });
        break;
      case 'bulk':
        for (const size of asList(s.size))
          for (const inFlight of asList(s.inFlight))
            out.push({ kind: 'bulk', name: `bulk:${size}x${inFlight}`, size, inFlight, concurrency: inFlight });
        break;
    }
  }
  // A strategy listed twice runs once.
  return out.filter((s, i) => out.findIndex((o) => o.name === s.name) === i);
}
