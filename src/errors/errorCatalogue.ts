import { DvbenchError } from './DvbenchError.js';

/** Exit codes: 0 success, 1 a run failed (thresholds, audit, runtime error), 2 invalid input, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, invalidInput: 2, interrupted: 130 } as const;

/**
 * Every error a user can cause, keyed by its stable code. `docs/errors.md` lists the same
 * codes; a test keeps the two in step.
 */
export const errorCatalogue = {
  DVB_ERR_USAGE: (message: string) => new DvbenchError('DVB_ERR_USAGE', message, EXIT.invalidInput),
  DVB_ERR_SCENARIO_INVALID: (message: string) =>
    new DvbenchError('DVB_ERR_SCENARIO_INVALID', message, EXIT.invalidInput),
  DVB_ERR_INTERRUPTED: (message: string) => new DvbenchError('DVB_ERR_INTERRUPTED', message, EXIT.interrupted),
  DVB_ERR_MOCK_CONFIG_INVALID: (message: string) =>
    new DvbenchError('DVB_ERR_MOCK_CONFIG_INVALID', message, EXIT.invalidInput),
  DVB_ERR_LISTEN: (message: string) => new DvbenchError('DVB_ERR_LISTEN', message, EXIT.failed),
  DVB_ERR_AUTH: (message: string) => new DvbenchError('DVB_ERR_AUTH', message, EXIT.failed),
  DVB_ERR_TARGET_CONFIG: (message: string) => new DvbenchError('DVB_ERR_TARGET_CONFIG', message, EXIT.invalidInput),
  DVB_ERR_REQUEST_FAILED: (message: string) => new DvbenchError('DVB_ERR_REQUEST_FAILED', message, EXIT.failed),
  DVB_ERR_TARGET_UNREACHABLE: (message: string) => new DvbenchError('DVB_ERR_TARGET_UNREACHABLE', message, EXIT.failed),
  DVB_ERR_CANCELLED: (message: string) => new DvbenchError('DVB_ERR_CANCELLED', message, EXIT.interrupted),
  DVB_ERR_OUTPUT: (message: string) => new DvbenchError('DVB_ERR_OUTPUT', message, EXIT.invalidInput),
  DVB_ERR_REPORT_WRITE: (message: string) => new DvbenchError('DVB_ERR_REPORT_WRITE', message, EXIT.failed),
  DVB_ERR_SETUP: (message: string) => new DvbenchError('DVB_ERR_SETUP', message, EXIT.failed),
} as const;
