import type { z } from 'zod';
import type { RequestKind } from '../metrics/MeasurementSink.js';
import type { PlannedOperation } from '../operations/PlannedOperation.js';
import { eachAlone, type RequestGroup } from './RequestGroup.js';
import type { StrategyContext, WorkerOutcome } from './StrategyContext.js';

/** What every expanded strategy has: its kind, the name results and thresholds use, and how many run at once. */
export interface SpecBase {
  readonly kind: string;
  readonly name: string;
  readonly concurrency: number;
}

/** The object form of a strategy in a scenario: `{ kind: 'async', workers: 8 }`. */
export type StrategyObjectSchema = z.ZodObject<{ kind: z.ZodLiteral<string> } & z.core.$ZodLooseShape, z.core.$strict>;

/** A rule on one strategy that the schema cannot say: where (below the strategy) and what it asks. */
export type StrategyProblem = readonly [path: readonly (string | number)[], message: string];

/** Worker threads or processes a strategy starts: what each costs the machine running dvbench. */
interface OsWorkers<Spec> {
  readonly noun: 'threads' | 'processes';
  count(spec: Spec): number;
  /** Start-up, measured: a child process is a Node runtime, a thread much less. */
  readonly startMs: number;
  /** Memory each needs: a child process is a Node runtime with its client (~90 MB measured); a thread less. */
  readonly bytes: number;
}

/**
 * Everything dvbench knows about one strategy kind, in the kind's own file: how a scenario
 * writes it, how it expands into concrete strategies, what it sends, how it is judged and how it
 * runs. Nothing outside the descriptor asks which kind it holds; adding a strategy is its file
 * and one line in `strategyKinds.ts`. (After k6's executor configs, each registered from its file.)
 *
 * Members are methods so that a descriptor of one spec fits a list of descriptors of any.
 */
export interface StrategyDescriptor<
  S extends StrategyObjectSchema = StrategyObjectSchema,
  Spec extends SpecBase = SpecBase,
> {
  readonly kind: Spec['kind'];
  /** Its object form, a strict object whose `kind` is this kind's literal. */
  readonly schema: S;
  /** Its text form (`async:8`), anchored; `fromShorthand` turns a match into the object form. */
  readonly shorthand: RegExp;
  /** One example of the text form, for help and error messages. */
  readonly example: string;
  fromShorthand(match: RegExpExecArray): z.input<S>;
  /** One concrete strategy per combination of the lists it was given (`workers: [1, 2, 4]`). */
  expand(input: z.output<S>): Spec[];
  /** Rules the schema cannot hold, checked when the scenario is loaded. */
  validate?(input: z.output<S>): StrategyProblem[];
  /** Whether it can run a script workload (one whose code sends its own requests). */
  readonly runsScripts: boolean;
  /** Speedup ÷ workers means something: false where one request carries many operations. */
  readonly perWorkerEfficiency: boolean;
  /** The run every other strategy's speedup is measured against. */
  readonly baseline?: boolean;
  /** Threads or processes it starts, beside this process's event loop. */
  readonly osWorkers?: OsWorkers<Spec>;
  /** The parameters reported in results.json. */
  parameters(spec: Spec): Record<string, number | boolean>;
  /**
   * The requests one repetition sends, each with the operations it carries (a query's later
   * pages come on top, each its own GET): the dry run's request counts and time estimate.
   */
  requestGroups(spec: Spec, ops: readonly PlannedOperation[]): Iterable<RequestGroup>;
  /** The request kind its headline latency describes. */
  readonly requestKind: RequestKind;
  /** Which chart family it is drawn in: by worker count, or by batch size. */
  readonly chartFamily: 'workers' | 'requests';
  run(ctx: StrategyContext<Spec>): Promise<WorkerOutcome>;
}

/** What most strategies are, unless they say otherwise. */
type Defaulted = 'runsScripts' | 'perWorkerEfficiency' | 'requestGroups' | 'requestKind' | 'chartFamily';

/** A descriptor as its file writes it: the members most strategies share may be left out. */
type StrategyDefinition<S extends StrategyObjectSchema, Spec extends SpecBase> = Omit<
  StrategyDescriptor<S, Spec>,
  Defaulted
> &
  Partial<Pick<StrategyDescriptor<S, Spec>, Defaulted>>;

/**
 * Types a descriptor from its members (the schema fixes the input, `expand` the spec) and fills
 * in what it leaves out: one request per operation, drawn by worker count, able to run scripts,
 * its efficiency per worker.
 */
export function defineStrategy<S extends StrategyObjectSchema, Spec extends SpecBase>(
  definition: StrategyDefinition<S, Spec>,
): StrategyDescriptor<S, Spec> {
  return {
    runsScripts: true,
    perWorkerEfficiency: true,
    requestGroups: (_spec, ops) => eachAlone(ops),
    requestKind: 'single',
    chartFamily: 'workers',
    ...definition,
  };
}
