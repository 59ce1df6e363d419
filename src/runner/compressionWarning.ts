import type { ServerSnapshot } from '../target/prepareData.js';
import type { RepetitionRun } from './runRepetition.js';

/** Past this share of a worker's real time, a compressed run's figures are off by more than the bench's 3% tolerance allows for. */
const MAX_UNPAID_SHARE = 0.02;
/** Past this share of the repetition, the mock's own event loop was busy enough to queue requests of its own. */
const MAX_MOCK_LOOP_BUSY = 0.8;

interface Snapshots {
  readonly before: ServerSnapshot | undefined;
  readonly after: ServerSnapshot | undefined;
}

/** How much of the span between two snapshots the mock's event loop was busy, 0 to 1. */
function mockLoopBusy({ before, after }: Snapshots): number {
  const active = (after?.eventLoopActiveMs ?? 0) - (before?.eventLoopActiveMs ?? 0);
  const idle = (after?.eventLoopIdleMs ?? 0) - (before?.eventLoopIdleMs ?? 0);
  return active + idle > 0 ? active / (active + idle) : 0;
}

function unpaidCreditMs({ before, after }: Snapshots): number {
  return (after?.unpaidCreditMs ?? 0) - (before?.unpaidCreditMs ?? 0);
}

/**
 * A warning when a time-compressed run's figures cannot be trusted: the mock's event loop was
 * saturated (requests queued for its CPU, which the org would not make them do), or it could
 * not give back the client's time between requests (its compressed waits were shorter than
 * that time): the workers' cycles, and so the wall time, read long by about the unpaid share.
 */
export function compressionShortfallWarning(
  run: RepetitionRun,
  server: Snapshots,
  workers: number,
  repetition: number,
): string | undefined {
  const scale = run.sink.timeScale;
  if (scale === 1 || run.wallMs <= 0) return undefined;
  const busy = mockLoopBusy(server);
  if (busy > MAX_MOCK_LOOP_BUSY)
    return (
      `time compression ×${scale} was too much in repetition ${repetition}: the mock's event loop ` +
      `was ${(busy * 100).toFixed(0)}% busy, so requests queued for its CPU, which the org would ` +
      `not make them do; this strategy's figures read slow. Run at a lower --time-scale`
    );
  const share = unpaidCreditMs(server) / Math.max(1, workers) / run.wallMs;
  if (share <= MAX_UNPAID_SHARE) return undefined;
  return (
    `time compression ×${scale} fell short in repetition ${repetition}: the mock could not give ` +
    `back ${(share * 100).toFixed(1)}% of each worker's time (the client's own time between ` +
    `requests outlasted their compressed waits), so this strategy's throughput reads up to that ` +
    `much low; run at a lower --time-scale`
  );
}
