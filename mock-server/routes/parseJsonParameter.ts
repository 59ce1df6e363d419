import type { z } from 'zod';
import { dataverseErrors } from '../errors/dataverseErrors.js';

/**
 * A JSON body or function parameter checked against its schema: text that is not JSON, or a
 * value that breaks a rule, is a 400 naming `what`, the path inside it and the rule (and `hint`).
 */
export function parseJsonParameter<T>(text: string, schema: z.ZodType<T>, what: string, hint = ''): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw dataverseErrors.badRequest(`${what} is not JSON${hint}.`);
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const at = issue === undefined || issue.path.length === 0 ? '' : `.${issue.path.join('.')}`;
  throw dataverseErrors.badRequest(`${what}${at}: ${issue?.message ?? 'invalid'}${hint}.`);
}
