import { DataverseError } from '../errors/DataverseError.js';
import { dataverseErrors } from '../errors/dataverseErrors.js';
import { errorResponse, type ApiResponse } from '../http/ApiMessage.js';
import { parsePrefer } from '../odata/parsePrefer.js';
import type { ApiExchange } from './ApiExchange.js';

/**
 * What a stage threw, as the answer: a client mistake as itself, a bug in the mock (logged) as a
 * 500 in Dataverse's envelope.
 */
function asDataverseError(error: unknown, exchange: ApiExchange): DataverseError {
  if (error instanceof DataverseError) return error;
  console.error(`dvbench mock: internal error on ${exchange.method} ${exchange.req.url ?? ''}:`, error);
  return dataverseErrors.internal();
}

/** What a stage threw as the answer, with the error-detail annotations the request's `Prefer` asks for. */
export function errorAnswer(error: unknown, exchange: ApiExchange): ApiResponse {
  const prefer = exchange.req.headers.prefer;
  const { includeAnnotations } = parsePrefer(Array.isArray(prefer) ? prefer.join(',') : prefer);
  return errorResponse(asDataverseError(error, exchange), {}, includeAnnotations);
}
