import { dataverseErrors } from '../errors/dataverseErrors.js';
import { readRequestBody } from '../http/readRequestBody.js';
import type { ApiExchange, PipelineEnv } from './ApiExchange.js';

const WRITES = new Set(['POST', 'PATCH', 'PUT']);

/**
 * Stage 3: the whole body, read before the request is admitted so that a slow upload holds
 * no concurrency slot. `undefined` when the client went away mid-body (nothing to answer).
 */
export async function readApiBody(exchange: ApiExchange, env: PipelineEnv): Promise<string | undefined> {
  const { req, res, method } = exchange;
  const { maxBodyBytes } = env.context.config;
  const body = await readRequestBody(req, maxBodyBytes, env.bodies);
  if (!body.ok) {
    if (body.reason === 'aborted') return undefined;
    res.setHeader('Connection', 'close');
    throw body.reason === 'busy' ? dataverseErrors.bodiesBusy() : dataverseErrors.payloadTooLarge(maxBodyBytes);
  }
  const contentType = req.headers['content-type'];
  if (WRITES.has(method) && body.body !== '' && (contentType === undefined || contentType.trim() === '')) {
    throw dataverseErrors.unsupportedMediaType('(none)');
  }
  return body.body;
}
