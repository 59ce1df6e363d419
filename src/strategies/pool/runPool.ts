/**
 * Runs `items` through `fn` with at most `concurrency` at once, in order of start, and stops
 * starting new ones when `signal` aborts. `fn` gets the slot (0 to concurrency − 1) that runs
 * the item. Returns how many were started.
 *
 * N loops pull the next item from a shared index rather than queueing every item in p-limit:
 * a queue holds a closure and a promise per pending item, which for a million operations is
 * over a gigabyte; this keeps memory flat whatever the count.
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, slot: number) => Promise<void>,
  signal: AbortSignal,
  onDone: (item: T) => void,
): Promise<number> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async (_, slot) => {
      while (next < items.length && !signal.aborted) {
        const item = items[next++] as T;
        await fn(item, slot);
        onDone(item);
      }
    }),
  );
  return next;
}
