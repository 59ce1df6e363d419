import { DataverseError } from '../errors/DataverseError.js';
import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { ApiExchange } from './ApiExchange.js';

/** What a stage threw, as the answer: a client mistake as itself, a bug in the mock (logged) as a 500 in Dataverse's envelope. */
export function asDataverseError(error: unknown, exchange: ApiExchange): DataverseError {
  if (error instanceof DataverseError) return error;
  console.error(`dvbench mock: internal error on ${exchange.method} ${exchange.req.url ?? ''}:`, error);
  return dataverseErrors.internal();
}
