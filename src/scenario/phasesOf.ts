import type { PlannedOperation } from '../operations/PlannedOperation.js';

/** The operations in runs of one workload each, in order; all of them as one run without phases. */
export function phasesOf(
  ops: readonly PlannedOperation[],
  phases: boolean,
): { workload: number; ops: PlannedOperation[] }[] {
  if (!phases) return [{ workload: -1, ops: [...ops] }];
  const out: { workload: number; ops: PlannedOperation[] }[] = [];
  for (const op of ops) {
    const last = out.at(-1);
    if (last?.workload === op.workload) last.ops.push(op);
    else out.push({ workload: op.workload, ops: [op] });
  }
  return out;
}
