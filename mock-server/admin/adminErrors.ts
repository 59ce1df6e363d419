/** An answer of the admin API (`/_mock/*`): a status and a JSON body. */
export interface AdminResponse {
  readonly status: number;
  readonly body: unknown;
}

function answer(status: number, code: string, message: string): AdminResponse {
  return { status, body: { error: { code, message } } };
}

/**
 * Every error the admin API answers with, keyed by its stable code (the Web API answers in
 * Dataverse's own codes instead). `docs/errors.md` lists the same codes; a test keeps them in step.
 */
export const adminErrors = {
  DVB_MOCK_METHOD: (message: string) => answer(405, 'DVB_MOCK_METHOD', message),
  DVB_MOCK_NOT_FOUND: (message: string) => answer(404, 'DVB_MOCK_NOT_FOUND', message),
  DVB_MOCK_SEED_INVALID: (message: string) => answer(400, 'DVB_MOCK_SEED_INVALID', message),
  DVB_MOCK_SEED_TOO_LARGE: (message: string) => answer(400, 'DVB_MOCK_SEED_TOO_LARGE', message),
  DVB_MOCK_TOO_LARGE: (message: string) => answer(413, 'DVB_MOCK_TOO_LARGE', message),
  DVB_MOCK_BUSY: (message: string) => answer(503, 'DVB_MOCK_BUSY', message),
  DVB_MOCK_FORBIDDEN: (message: string) => answer(403, 'DVB_MOCK_FORBIDDEN', message),
  DVB_MOCK_CONTENT_TYPE: (message: string) => answer(415, 'DVB_MOCK_CONTENT_TYPE', message),
} as const;
