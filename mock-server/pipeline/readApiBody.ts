import { dataverseErrors } from '../errors/dataverseErrors.js';
import { readRequestBody, type BodyResult } from '../http/readRequestBody.js';
import type { ApiExchange, PipelineEnv } from './ApiExchange.js';
import type { MaybePromise } from './MaybePromise.js';

const WRITES = new Set(['POST', 'PATCH', 'PUT']);

function checked(exchange: ApiExchange, maxBodyBytes: number, body: BodyResult): string | undefined {
  const { req, res, method } = exchange;
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

/**
 * Stage 3: the whole body, read before the request is admitted so that a slow upload holds
 * no concurrency slot. `undefined` when the client went away mid-body (nothing to answer).
 * A request without a body is answered synchronously.
 */
export function readApiBody(exchange: ApiExchange, env: PipelineEnv): MaybePromise<string | undefined> {
  const { maxBodyBytes } = env.context.config;
  const body = readRequestBody(exchange.req, maxBodyBytes, env.bodies);
  return body instanceof Promise
    ? body.then((b) => checked(exchange, maxBodyBytes, b))
    : checked(exchange, maxBodyBytes, body);
}
