import type { StrategyInput } from './strategySchema.js';

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

type StrategyObject = Exclude<StrategyInput, 'sequential'>;
type InputOf<K extends StrategyObject['kind']> = Extract<StrategyObject, { kind: K }>;

/** Every combination of two lists, in order. */
function pairs(a: number | readonly number[], b: number | readonly number[]): [number, number][] {
  return asList(a).flatMap((x) => asList(b).map((y): [number, number] => [x, y]));
}

function pool(s: InputOf<'async' | 'threads' | 'processes'>): StrategySpec[] {
  return asList(s.workers).map((workers) => ({
    kind: s.kind,
    name: `${s.kind}:${workers}`,
    workers,
    concurrency: workers,
  }));
}

/** One expander per strategy kind; the mapped type makes the compiler ask for a new kind's. */
const expanders: { readonly [K in StrategyObject['kind']]: (s: InputOf<K>) => StrategySpec[] } = {
  sequential: () => [{ kind: 'sequential', name: 'sequential', concurrency: 1 }],
  async: pool,
  threads: pool,
  processes: pool,
  batch: (s) =>
    pairs(s.size, s.inFlight).map(([size, inFlight]) => ({
      kind: 'batch',
      name: `batch:${size}x${inFlight}${s.continueOnError ? '' : ':stop'}`,
      size,
      inFlight,
      continueOnError: s.continueOnError,
      concurrency: inFlight,
    })),
  transaction: (s) =>
    asList(s.inFlight).map((inFlight) => ({
      kind: 'transaction',
      name: `transaction:${inFlight}`,
      inFlight,
      concurrency: inFlight,
    })),
  adaptive: (s) => [{ kind: 'adaptive', name: `adaptive:${s.max}`, max: s.max, start: s.start, concurrency: s.max }],
  bulk: (s) =>
    pairs(s.size, s.inFlight).map(([size, inFlight]) => ({
      kind: 'bulk',
      name: `bulk:${size}x${inFlight}`,
      size,
      inFlight,
      concurrency: inFlight,
    })),
};

/** Names are stable identifiers used in results, thresholds and comparisons: `async:8`, `batch:100x2`. */
export function expandStrategies(inputs: readonly StrategyInput[]): StrategySpec[] {
  const out = inputs.flatMap((s) => {
    if (s === 'sequential') return expanders.sequential({ kind: 'sequential' });
    return (expanders[s.kind] as (s: StrategyObject) => StrategySpec[])(s);
  });
  // A strategy listed twice runs once.
  return out.filter((s, i) => out.findIndex((o) => o.name === s.name) === i);
}
