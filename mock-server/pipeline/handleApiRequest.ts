import { parseResourcePath, type Resource } from '../routes/parseResourcePath.js';
import type { ApiExchange, PipelineEnv } from './ApiExchange.js';
import { errorAnswer } from './asDataverseError.js';
import { authenticate } from './authenticate.js';
import { andThen, type MaybePromise } from './MaybePromise.js';
import { protect } from './protect.js';
import { readApiBody } from './readApiBody.js';
import { respond } from './respond.js';
import { serveOperation, type Outcome } from './serveOperation.js';

const GONE: Outcome = { kind: 'dropped' };

function failure(error: unknown, exchange: ApiExchange): Outcome {
  return { kind: 'answer', response: errorAnswer(error, exchange), dropAfter: false };
}

/** Stages 4 to 7 for a request whose body is in (or `undefined`: the client left mid-body). */
function admit(
  exchange: ApiExchange,
  env: PipelineEnv,
  userId: string,
  resource: Resource,
  body: string | undefined,
): MaybePromise<Outcome> {
  if (body === undefined) return GONE;
  return protect(userId, exchange.server, resource, env.context, (timing) =>
    serveOperation(exchange, { resource, userId, body }, env, timing),
  );
}

function finish(exchange: ApiExchange, env: PipelineEnv, outcome: Outcome): MaybePromise<void> {
  if (outcome.kind === 'dropped') return;
  const { response, dropAfter } = outcome;
  // The network's share of the answer: after the server's work, outside its capacity and execution time.
  const { delays } = env.context;
  const travelled = delays.held(exchange.waits, delays.wait(env.context.config.latency.roundTripMs, exchange.waits));
  if (travelled !== undefined)
    return travelled.then(() => {
      respond(exchange, env, response, dropAfter);
    });
  respond(exchange, env, response, dropAfter);
}

/**
 * One Web API request, stage by stage: authenticate → route (parse the path) → read the
 * body → protect (service protection limits) → fault → dispatch → delay → round trip → respond. Every
 * stage may throw a `DataverseError`, which becomes the answer in Dataverse's envelope. Stages
 * with nothing to wait for run synchronously (see `MaybePromise`).
 */
export function handleApiRequest(exchange: ApiExchange, env: PipelineEnv): MaybePromise<void> {
  let outcome: MaybePromise<Outcome>;
  try {
    const userId = authenticate(exchange, env);
    exchange.userId = userId;
    const resource = parseResourcePath(exchange.path, env.context.catalogue);
    exchange.resource = resource;
    outcome = andThen(readApiBody(exchange, env), (body) => admit(exchange, env, userId, resource, body));
  } catch (error) {
    outcome = failure(error, exchange);
  }
  if (outcome instanceof Promise)
    return outcome.catch((error: unknown) => failure(error, exchange)).then((o) => finish(exchange, env, o));
  return finish(exchange, env, outcome);
}
