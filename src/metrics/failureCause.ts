import { redact } from '../client/auth/redact.js';
import type { FailureInput } from './MeasurementSink.js';

/** How a failure is counted: status and Dataverse code. */
function errorKind(status: number, code: string | undefined): string {
  return code === undefined || code === '' ? `HTTP ${status}` : `HTTP ${status} ${code}`;
}

const MAX_MESSAGE = 300;

function clip(text: string): string {
  const one = redact(text).replace(/\s+/g, ' ').trim();
  return one.length > MAX_MESSAGE ? `${one.slice(0, MAX_MESSAGE)}…` : one;
}

/** The cause of an HTTP failure, as the server gave it; `firstOperation` describes the operation that met it. */
export function httpFailure(
  firstOperation: string,
  status: number,
  error: { code: string; message: string } | undefined,
): FailureInput {
  return {
    kind: errorKind(status, error?.code),
    status,
    code: error?.code === undefined || error.code === '' ? null : error.code,
    message: clip(error?.message ?? `HTTP ${status}`),
    firstOperation,
  };
}

/** The cause of a call that got no HTTP answer (unreachable target, sign-in refused, retries exhausted). */
export function thrownFailure(firstOperation: string, error: unknown): FailureInput {
  // A rejection may carry anything, null and undefined included (a script's `throw null`).
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const name = typeof code === 'string' ? code : 'error';
  return {
    kind: `request failed: ${name}`,
    status: null,
    code: name,
    message: clip(error instanceof Error ? error.message : String(error)),
    firstOperation,
  };
}

/** A `$batch` part that never ran because an earlier part failed with continue-on-error off. */
export function notRunFailure(firstOperation: string): FailureInput {
  return {
    kind: 'not run (batch stopped)',
    status: null,
    code: null,
    message: 'an earlier part of the $batch failed and continue-on-error was off',
    firstOperation,
  };
}

/** The code a cancelled call carries: the run was stopping, so the operation is neither ok nor failed. */
export const CANCELLED = 'DVB_ERR_CANCELLED';
