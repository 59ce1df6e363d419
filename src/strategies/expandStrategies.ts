import { descriptorOf } from './descriptorOf.js';
import type { StrategyInput, StrategySpec } from './strategyKinds.js';

/** Names are stable identifiers used in results, thresholds and comparisons: `async:8`, `batch:100x2`. */
export function expandStrategies(inputs: readonly StrategyInput[]): StrategySpec[] {
  // Each descriptor expands its own input; the list ties a kind to its descriptor.
  const out = inputs.flatMap((s) => descriptorOf(s).expand(s) as StrategySpec[]);
  // A strategy listed twice runs once.
  return out.filter((s, i) => out.findIndex((o) => o.name === s.name) === i);
}
