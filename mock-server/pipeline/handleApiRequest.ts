import { setTimeout as sleep } from 'node:timers/promises';
import { errorResponse } from '../http/ApiMessage.js';
import { parseResourcePath } from '../routes/parseResourcePath.js';
import type { ApiExchange, PipelineEnv } from './ApiExchange.js';
import { asDataverseError } from './asDataverseError.js';
import { authenticate } from './authenticate.js';
import { protect } from './protect.js';
import { readApiBody } from './readApiBody.js';
import { respond } from './respond.js';
import { serveOperation, type Outcome } from './serveOperation.js';

/**
 * One Web API request, stage by stage: authenticate → route (parse the path) → read the
 * body → protect (service protection limits) → fault → dispatch → delay → round trip → respond. Every
 * stage may throw a `DataverseError`, which becomes the answer in Dataverse's envelope.
 */
export async function handleApiRequest(exchange: ApiExchange, env: PipelineEnv): Promise<void> {
  let outcome: Outcome;
  try {
    const userId = authenticate(exchange, env);
    exchange.userId = userId;
    const resource = parseResourcePath(exchange.path, env.context.catalogue);
    exchange.resource = resource;
    const body = await readApiBody(exchange, env);
    if (body === undefined) return;
    outcome = await protect(userId, exchange.server, resource, env.context, (timing) =>
      serveOperation(exchange, resource, userId, body, env, timing),
    );
  } catch (error) {
    outcome = { kind: 'answer', response: errorResponse(asDataverseError(error, exchange)), dropAfter: false };
  }
  if (outcome.kind === 'dropped') return;
  // The network's share of the answer: after the server's work, outside its capacity and execution time.
  const { roundTripMs } = env.context.config.latency;
  if (roundTripMs > 0) await sleep(roundTripMs);
  respond(exchange, env, outcome.response, outcome.dropAfter);
}
