/**
 * Aborts `into` when `from` aborts (at once if it already has), with `from`'s reason or
 * `fallback`; returns the function that stops following. One forwarder for the run, the load
 * test and each repetition, so a user's Ctrl-C reaches every layer the same way.
 */
export function followSignal(from: AbortSignal | undefined, into: AbortController, fallback?: string): () => void {
  const forward = (): void => {
    into.abort(from?.reason ?? fallback);
  };
  if (from?.aborted === true) forward();
  else from?.addEventListener('abort', forward, { once: true });
  return () => {
    from?.removeEventListener('abort', forward);
  };
}
