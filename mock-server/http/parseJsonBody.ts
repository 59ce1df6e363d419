import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { ApiRequest } from './ApiMessage.js';

/** Parses a request's JSON body; anything else is Dataverse's payload error (400 0x80048d19). */
export function parseJsonBody(request: ApiRequest, entitySet: string): unknown {
  const contentType = request.headers['content-type'];
  if (contentType !== undefined && !/^application\/json\b/i.test(contentType.trim())) {
    throw dataverseErrors.unsupportedMediaType(contentType);
  }
  if (request.body.trim() === '')
    throw dataverseErrors.payloadError(entitySet, 'The request body is empty; a JSON object is required.');
  try {
    return JSON.parse(request.body) as unknown;
  } catch (error) {
    throw dataverseErrors.payloadError(
      entitySet,
      `Microsoft.OData.ODataException: Invalid JSON. ${(error as Error).message}`,
    );
  }
}
