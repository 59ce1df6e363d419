/** Dataverse's error envelope `{"error":{"code","message"}}` from a parsed body, if it is one. */
export function errorEnvelope(body: unknown): { code: string; message: string } | undefined {
  const e: unknown = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof e !== 'object' || e === null) return undefined;
  const { code, message } = e as { code?: unknown; message?: unknown };
  return { code: typeof code === 'string' ? code : '', message: typeof message === 'string' ? message : '' };
}
