import type { RequestKind } from '../metrics/MeasurementSink.js';
import type { StrategySpec } from '../scenario/expandStrategies.js';
import type { PlannedOperation } from '../scenario/PlannedOperation.js';
import type { RequestGroup } from './RequestGroup.js';
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
  /**
   * The requests one repetition sends, each with the operations it carries (a query's later
   * pages come on top, each its own GET): the dry run's request counts and time estimate.
   */
  readonly requestGroups: (spec: SpecOf<K>, ops: readonly PlannedOperation[]) => Iterable<RequestGroup>;
  /** The request kind its headline latency describes. */
  readonly requestKind: RequestKind;
  /** Which chart family it is drawn in: by worker count, or by batch size. */
  readonly chartFamily: 'workers' | 'requests';
}

/** An operation sent on its own: a unit is a changeset in its own $batch. */
const alone = (op: PlannedOperation): RequestGroup => ({
  kind: op.kind === 'unit' ? 'changeset' : 'single',
  ops: [op],
});

/** One group per operation, made as they are read: a plan of millions is not held twice. */
function* eachAlone(
  ops: readonly PlannedOperation[],
  group: (op: PlannedOperation) => RequestGroup = alone,
): Generator<RequestGroup> {
  for (const op of ops) yield group(op);
}

/** A strategy that sends every operation as its own request(s), drawn by worker count. */
function oneRequestEach<K extends Kind>(
  run: Strategy,
  parameters: StrategyDescriptor<K>['parameters'],
): StrategyDescriptor<K> {
  return {
    run,
    parameters,
    requestGroups: (_s, ops) => eachAlone(ops),
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
    requestGroups: (s, ops) => groupForBatch(ops, s.size).map((g) => ({ kind: 'batch', ops: g })),
    requestKind: 'batch',
    chartFamily: 'requests',
  },
  transaction: {
    run: transactionStrategy,
    parameters: (s) => ({ inFlight: s.inFlight }),
    // GET is not allowed in a changeset: reads go alone.
    requestGroups: (_s, ops) =>
      eachAlone(ops, (op) =>
        op.kind === 'query' || op.kind === 'retrieve' ? alone(op) : { kind: 'changeset', ops: [op] },
      ),
    requestKind: 'changeset',
    chartFamily: 'requests',
  },
  bulk: {
    run: bulkStrategy,
    parameters: (s) => ({ size: s.size, inFlight: s.inFlight }),
    requestGroups: (s, ops) => {
      const { groups, singles } = groupForBulk(ops, s.size);
      return [...groups.map((g): RequestGroup => ({ kind: 'bulk', ops: g })), ...eachAlone(singles)];
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

/** The requests one repetition of any spec sends, through its descriptor (a query's later pages come on top). */
export function requestGroupsOf(spec: StrategySpec, ops: readonly PlannedOperation[]): Iterable<RequestGroup> {
  return descriptorOf(spec).requestGroups(spec, ops);
}
