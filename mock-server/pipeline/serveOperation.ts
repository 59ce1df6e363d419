import type { IncomingHttpHeaders } from 'node:http';
import type { FaultSpec } from '../config/mockConfigSchema.js';
import { dataverseErrors } from '../errors/dataverseErrors.js';
import { corruptCreate } from '../faults/corruptCreate.js';
import type { ApiRequest, ApiResponse } from '../http/ApiMessage.js';
import type { OperationCost } from '../latency/ServiceTimeSampler.js';
import { dispatchApiRequest } from '../routes/dispatchApiRequest.js';
import { operationKindOf } from '../routes/operationKindOf.js';
import type { Resource } from '../routes/parseResourcePath.js';
import type { ApiExchange, PipelineEnv } from './ApiExchange.js';
import { errorAnswer } from './asDataverseError.js';
import type { MaybePromise } from './MaybePromise.js';
import type { ServiceTiming } from './protect.js';

/** What the operation stages leave for `respond`: an answer, maybe to be lost, or a connection already cut. */
export type Outcome =
  | { readonly kind: 'answer'; readonly response: ApiResponse; readonly dropAfter: boolean }
  | { readonly kind: 'dropped' };

/** Node joins a repeated request header with commas itself; only `set-cookie` can come as an array. */
function flatHeaders(headers: IncomingHttpHeaders): ApiRequest['headers'] {
  const cookies = headers['set-cookie'];
  return cookies === undefined ? (headers as ApiRequest['headers']) : { ...headers, 'set-cookie': cookies.join(', ') };
}

function requestOf(exchange: ApiExchange, userId: string, body: string): ApiRequest {
  const { method, path, query, baseUrl } = exchange;
  return { method, path, query, headers: flatHeaders(exchange.req.headers), body, baseUrl, userId };
}

function dispatch(
  fault: FaultSpec | undefined,
  resource: Resource,
  request: ApiRequest,
  env: PipelineEnv,
): Promise<ApiResponse> | ApiResponse {
  if (
    (fault?.kind === 'lose' || fault?.kind === 'duplicate') &&
    resource.kind === 'collection' &&
    request.method === 'POST'
  )
    return corruptCreate(fault.kind, resource, request, env.context, env.routes);
  return dispatchApiRequest(resource, request, env.context, env.routes);
}

/**
 * The request asks Dataverse to skip custom synchronous logic: `MSCRM.BypassCustomPluginExecution:
 * true`, or `MSCRM.BypassBusinessLogicExecution` naming `CustomSync`. On a `$batch`, the outer
 * request's headers decide for every part.
 */
function bypassesCustomLogic(headers: Readonly<Record<string, string | string[] | undefined>>): boolean {
  const plugins = headers['mscrm.bypasscustompluginexecution'];
  if (typeof plugins === 'string' && plugins.trim().toLowerCase() === 'true') return true;
  const logic = headers['mscrm.bypassbusinesslogicexecution'];
  return typeof logic === 'string' && logic.split(',').some((v) => v.trim().toLowerCase() === 'customsync');
}

/** Stage 7: the latency model's service time, spent in the capacity queue (nothing to wait for at no cost). */
function delay(
  env: PipelineEnv,
  exchange: ApiExchange,
  costs: readonly OperationCost[],
  timing: ServiceTiming,
): Promise<void> | undefined {
  timing.serviceMs = env.context.sampler.serviceTime(costs, bypassesCustomLogic(exchange.req.headers));
  return env.context.delays.held(
    exchange.waits,
    env.context.gate.serve(timing.serviceMs, exchange.server, exchange.waits),
  );
}

function answerAfter(wait: Promise<void> | undefined, outcome: Outcome): MaybePromise<Outcome> {
  return wait === undefined ? outcome : wait.then(() => outcome);
}

/** What stages 1 to 3 learnt of a request: its resource, its caller and its body, passed on once. */
export interface AdmittedRequest {
  readonly resource: Resource;
  readonly userId: string;
  readonly body: string;
}

/** Stages 5 to 7, inside the admission: fault, dispatch to the route, delay. */
export function serveOperation(
  exchange: ApiExchange,
  request: AdmittedRequest,
  env: PipelineEnv,
  timing: ServiceTiming,
): MaybePromise<Outcome> {
  const { resource, userId, body } = request;
  const kind = operationKindOf(exchange.method, resource, exchange.req.headers);
  const table = 'table' in resource ? resource.table.logicalName : undefined;
  const fault = env.context.faults.pick(table, kind);
  const ownCost: OperationCost[] = [table === undefined ? { kind } : { kind, table }];
  if (fault?.kind === 'drop' && !fault.afterProcessing) {
    exchange.req.socket.destroy();
    return { kind: 'dropped' };
  }
  if (fault?.kind === '503') throw dataverseErrors.serviceUnavailable();
  // A dropped response is lost whatever the operation answered, an error included.
  const dropAfter = fault?.kind === 'drop';
  // A failed operation still took server time.
  const failed = (error: unknown): MaybePromise<Outcome> =>
    answerAfter(delay(env, exchange, ownCost, timing), {
      kind: 'answer',
      response: errorAnswer(error, exchange),
      dropAfter,
    });
  const served = (response: ApiResponse): MaybePromise<Outcome> => {
    const wait = delay(env, exchange, response.cost ?? ownCost, timing);
    const slowed =
      fault?.kind === 'slow'
        ? (wait ?? Promise.resolve()).then(() =>
            env.context.delays.held(exchange.waits, env.context.delays.wait(fault.slowMs, exchange.waits)),
          )
        : wait;
    return answerAfter(slowed, { kind: 'answer', response, dropAfter });
  };
  let response: MaybePromise<ApiResponse>;
  try {
    response = dispatch(fault, resource, requestOf(exchange, userId, body), env);
  } catch (error) {
    return failed(error);
  }
  return response instanceof Promise ? response.then(served, failed) : served(response);
}
