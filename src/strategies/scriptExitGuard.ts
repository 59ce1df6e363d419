/**
 * A user's script that calls `process.exit` inside dvbench's own process would end the run
 * with no verdict and no results.json. While a script runs there, `process.exit` throws
 * instead, so the call fails its operation like any other throw. In a worker thread or
 * process the exit ends only that worker, which the pool reports as lost (the strategy fails,
 * naming it), so workers turn the guard off.
 */
let guarded = true;
let running = 0;
/** `process.exit` as it was before the guard, while it is on. */
let saved: PropertyDescriptor | undefined;

/** A script called `process.exit`: its operation fails with this as the cause. */
class ScriptExit extends Error {
  constructor(code: string | number | null | undefined) {
    super(
      `the script called process.exit(${code ?? ''}); a script ends its operation by returning ` +
        `or throwing, not by ending dvbench`,
    );
    this.name = 'ScriptExit';
  }
}

/** Called by a worker thread or process at start: there an exit is the worker's to take. */
export function unguardScriptExit(): void {
  guarded = false;
}

/** Runs `fn` (a script) with `process.exit` turned into a throw while any script runs here. */
export async function withScriptExitGuard<T>(fn: () => Promise<T>): Promise<T> {
  if (!guarded) return fn();
  if (running++ === 0) {
    saved = Object.getOwnPropertyDescriptor(process, 'exit');
    const refuse = (code?: string | number | null): never => {
      throw new ScriptExit(code);
    };
    Object.defineProperty(process, 'exit', { value: refuse, configurable: true, writable: true });
  }
  try {
    return await fn();
  } finally {
    if (--running === 0) {
      if (saved === undefined) Reflect.deleteProperty(process, 'exit');
      else Object.defineProperty(process, 'exit', saved);
      saved = undefined;
    }
  }
}

/** Ends the process even while a script runs (a second Ctrl-C must not be turned into a throw). */
export function exitNow(code: number): never {
  const exit: unknown = saved?.value ?? Reflect.get(process, 'exit');
  Reflect.apply(exit as (code: number) => never, process, [code]);
  throw new Error('process.exit returned');
}
