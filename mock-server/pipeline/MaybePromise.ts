/**
 * A stage's result, synchronous when it had nothing to wait for. Most requests to a no-cost mock
 * wait for nothing (no body, no service time, no round trip); each `await` in their path would
 * still cost a microtask turn and a promise, which the mock's throughput shows.
 */
export type MaybePromise<T> = T | Promise<T>;

/** `next(value)`, at once when `value` is ready, else when it settles (a rejection passes through). */
export function andThen<T, U>(value: MaybePromise<T>, next: (ready: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
