import type { RequestKind } from '../metrics/MeasurementSink.js';
import type { StrategySpec } from '../scenario/expandStrategies.js';
import type { PlannedOperation } from '../scenario/PlannedOperation.js';
import { adaptiveStrategy } from './adaptiveStrategy.js';
import {
  batchStrategy,
  bulkStrategy,
  groupForBatch,
  groupForBulk,
  poolStrategy,
  transactionStrategy,
} from './inProcessStrategies.js';
import type { Strategy } from './StrategyContext.js';
import { processesStrategy, threadsStrategy } from './workerStrategies.js';

type Kind = StrategySpec['kind'];
type SpecOf<K extends Kind> = Extract<StrategySpec, { kind: K }>;

/**
 * Everything dvbench knows about one strategy kind. Adding a strategy is one file with its
 * `Strategy`, plus one entry here: the mapped type makes the compiler ask for every piece.
 */
export interface StrategyDescriptor<K extends Kind> {
  readonly run: Strategy;
  /** The parameters reported in results.json. */
  readonly parameters: (spec: SpecOf<K>) => Record<string, number | boolean>;
  /** HTTP requests one repetition sends (for `--dry-run`), given how many requests each operation takes alone. */
  readonly requestsPerRepetition: (
    spec: SpecOf<K>,
    ops: readonly PlannedOperation[],
    alone: (op: PlannedOperation) => number,
  ) => number;
  /** The request kind its headline latency describes. */
  readonly requestKind: RequestKind;
  /** Which chart family it is drawn in: by worker count, or by batch size. */
  readonly chartFamily: 'workers' | 'requests';
}

const sum = (ops: readonly PlannedOperation[], alone: (op: PlannedOperation) => number): number =>
  ops.reduce((a, op) => a + alone(op), 0);

/** A strategy that sends every operation as its own request(s), drawn by worker count. */
function oneRequestEach<K extends Kind>(
  run: Strategy,
  parameters: StrategyDescriptor<K>['parameters'],
): StrategyDescriptor<K> {
  return {
    run,
    parameters,
    requestsPerRepetition: (_s, ops, alone) => sum(ops, alone),
    requestKind: 'single',
    chartFamily: 'workers',
  };
}

export const strategyRegistry: { readonly [K in Kind]: StrategyDescriptor<K> } = {
  sequential: oneRequestEach(poolStrategy, () => ({})),
  async: oneRequestEach(poolStrategy, (s) => ({ workers: s.workers })),
  threads: oneRequestEach(threadsStrategy, (s) => ({ workers: s.workers })),
  processes: oneRequestEach(processesStrategy, (s) => ({ workers: s.workers })),
  batch: {
    run: batchStrategy,
    parameters: (s) => ({ size: s.size, inFlight: s.inFlight, continueOnError: s.continueOnError }),
    // Pages after a query's first are fetched outside the batch.
    requestsPerRepetition: (s, ops, alone) =>
      groupForBatch(ops, s.size).length + ops.reduce((a, op) => a + alone(op) - 1, 0),
    requestKind: 'batch',
    chartFamily: 'requests',
  },
  transaction: {
    run: transactionStrategy,
    parameters: (s) => ({ inFlight: s.inFlight }),
    requestsPerRepetition: (_s, ops, alone) => sum(ops, alone),
    requestKind: 'changeset',
    chartFamily: 'requests',
  },
  bulk: {
    run: bulkStrategy,
    parameters: (s) => ({ size: s.size, inFlight: s.inFlight }),
    requestsPerRepetition: (s, ops, alone) => {
      const { groups, singles } = groupForBulk(ops, s.size);
      return groups.length + sum(singles, alone);
    },
    requestKind: 'bulk',
    chartFamily: 'requests',
  },
  adaptive: oneRequestEach(adaptiveStrategy, (s) => ({
    max: s.max,
    ...(s.start === undefined ? {} : { start: s.start }),
  })),
};

/** The descriptor of a spec, typed for any kind: the registry's mapped type already tied each kind to its spec. */
function descriptorOf(spec: StrategySpec): StrategyDescriptor<Kind> {
  return strategyRegistry[spec.kind] as unknown as StrategyDescriptor<Kind>;
}

/** Parameters of any spec, through its descriptor. */
export function strategyParameters(spec: StrategySpec): Record<string, number | boolean> {
  return descriptorOf(spec).parameters(spec);
}

/** Requests per repetition of any spec, through its descriptor. */
export function estimateRequests(
  spec: StrategySpec,
  ops: readonly PlannedOperation[],
  alone: (op: PlannedOperation) => number,
): number {
  return descriptorOf(spec).requestsPerRepetition(spec, ops, alone);
}
