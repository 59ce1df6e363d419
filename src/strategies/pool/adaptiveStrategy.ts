import { performance } from 'node:perf_hooks';
import { lastServiceMs, throttledIn } from '../../metrics/OperationOutcome.js';
import { z } from 'zod';
import { countShorthand } from '../countLists.js';
import { executeOperation } from '../executeOperation.js';
import { NO_WORKERS, type StrategyContext, type WorkerOutcome } from '../StrategyContext.js';
import { defineStrategy } from '../StrategyDescriptor.js';

export interface AdaptiveSpec {
  readonly kind: 'adaptive';
  readonly name: string;
  readonly max: number;
  readonly start: number | undefined;
  readonly concurrency: number;
}

/**
 * `adaptive`: concurrency adjusted while running, as a TCP-like AIMD controller. It starts
 * from the server's `x-ms-dop-hint` (read from a first WhoAmI), adds about one worker per
 * window of successful operations, and halves on a 429 or cuts by a fifth when service time
 * rises past twice the best seen; at most one cut per round trip, so one burst of 429s is one
 * signal, not many.
 */
async function runAdaptive(ctx: StrategyContext<AdaptiveSpec>): Promise<WorkerOutcome> {
  const { max } = ctx.spec;
  let start = ctx.spec.start;
  if (start === undefined) {
    await ctx.client.whoAmI().catch(() => undefined);
    start = ctx.client.hints.dopHint ?? 4;
  }
  let window = Math.max(1, Math.min(max, start));
  let inFlight = 0;
  let next = 0;
  let done = 0;
  let bestServiceMs = Infinity;
  let lastCutAt = 0;
  let windowSum = 0;
  let windowSamples = 0;
  ctx.onReady();
  await new Promise<void>((resolve) => {
    const cut = (factor: number, roundTripMs: number): void => {
      const now = performance.now();
      if (now - lastCutAt < roundTripMs) return;
      lastCutAt = now;
      window = Math.max(1, window * factor);
    };
    const launch = (): void => {
      while (inFlight < Math.floor(window) && next < ctx.ops.length && !ctx.signal.aborted) {
        const op = ctx.ops[next++];
        if (op === undefined) break;
        inFlight++;
        void executeOperation(ctx.client, op).then((outcome) => {
          ctx.sink.accept(outcome);
          const fb = { serviceMs: lastServiceMs(outcome), throttled: throttledIn(outcome) };
          inFlight--;
          done += op.ops;
          ctx.onProgress(done);
          if (fb.serviceMs > 0) bestServiceMs = Math.min(bestServiceMs, fb.serviceMs);
          if (fb.throttled > 0) cut(0.5, fb.serviceMs);
          else if (fb.serviceMs > 2 * bestServiceMs) cut(0.8, fb.serviceMs);
          else window = Math.min(max, window + 1 / window);
          windowSum += window;
          windowSamples++;
          if (inFlight === 0 && (next >= ctx.ops.length || ctx.signal.aborted)) resolve();
          else launch();
        });
      }
      if (inFlight === 0) resolve();
    };
    launch();
  });
  ctx.onAdaptiveWindow?.(windowSamples === 0 ? window : windowSum / windowSamples);
  return NO_WORKERS;
}

export const adaptiveStrategy = defineStrategy({
  kind: 'adaptive',
  schema: z.strictObject({
    kind: z.literal('adaptive'),
    max: z.int().min(1).max(4096).default(64).describe('Upper bound of concurrency.'),
    start: z.int().min(1).max(4096).optional().describe("Starting concurrency; default: the server's x-ms-dop-hint."),
  }),
  ...countShorthand('adaptive', 'max', 64),
  expand: (s): AdaptiveSpec[] => [
    { kind: 'adaptive', name: `adaptive:${s.max}`, max: s.max, start: s.start, concurrency: s.max },
  ],
  parameters: (s) => ({ max: s.max, ...(s.start === undefined ? {} : { start: s.start }) }),
  run: runAdaptive,
});
