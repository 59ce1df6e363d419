/** Causes that no later operation can escape: the run stops, not only the strategy. */
const FATAL = /DVB_ERR_TARGET_UNREACHABLE|DVB_ERR_AUTH/;

/** A failure no later operation can escape (the target is gone, or refuses the sign-in). */
export function isFatalCause(kind: string | undefined): boolean {
  return kind !== undefined && FATAL.test(kind);
}
