import pLimit from 'p-limit';

/**
 * Runs `items` through `fn` with at most `concurrency` at once, in order of start, stopping
 * starting new ones when `signal` aborts. Returns how many were started.
 */
export async function runPool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>, signal: AbortSignal, onDone: (item: T) => void): Promise<number> {
  const limit = pLimit(concurrency);
  let started = 0;
  await Promise.all(
    items.map((item) =>
      limit(async () => {
        if (signal.aborted) return;
        started++;
        await fn(item);
        onDone(item);
      }),
    ),
  );
  return started;
}
