import type { StrategyDescriptor } from './StrategyDescriptor.js';
import { strategyKinds } from './strategyKinds.js';

// Apart from the list, so that everything that looks a kind up reads the list as it is (a test adds to it).

/** The descriptor of a kind, or undefined for a kind no strategy has (a results file from elsewhere). */
export function descriptorForKind(kind: string): StrategyDescriptor | undefined {
  return strategyKinds.find((d: StrategyDescriptor) => d.kind === kind);
}

/** The descriptor of a spec or input this build made: its kind is always in the list. */
export function descriptorOf(strategy: { readonly kind: string }): StrategyDescriptor {
  const descriptor = descriptorForKind(strategy.kind);
  if (descriptor === undefined) throw new Error(`no strategy kind '${strategy.kind}'`);
  return descriptor;
}
