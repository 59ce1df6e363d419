import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultSpec } from '../config/mockConfigSchema.js';
import { dataverseErrors } from '../errors/dataverseErrors.js';
import { corruptCreate } from '../faults/corruptCreate.js';
import { errorResponse, type ApiRequest, type ApiResponse } from '../http/ApiMessage.js';
import type { OperationCost } from '../latency/ServiceTimeSampler.js';
import { dispatchApiRequest } from '../routes/dispatchApiRequest.js';
import { operationKindOf } from '../routes/operationKindOf.js';
import type { Resource } from '../routes/parseResourcePath.js';
import type { ApiExchange, PipelineEnv } from './ApiExchange.js';
import { asDataverseError } from './asDataverseError.js';
import type { ServiceTiming } from './protect.js';

/** What the operation stages leave for `respond`: an answer, maybe to be lost, or a connection already cut. */
export type Outcome =
  | { readonly kind: 'answer'; readonly response: ApiResponse; readonly dropAfter: boolean }
  | { readonly kind: 'dropped' };

function requestOf(exchange: ApiExchange, userId: string, body: string): ApiRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(exchange.req.headers))
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  const { method, path, query, baseUrl } = exchange;
  return { method, path, query, headers, body, baseUrl, userId };
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

/** Stage 7: the latency model's service time, spent in the capacity queue. */
async function delay(
  env: PipelineEnv,
  exchange: ApiExchange,
  costs: readonly OperationCost[],
  timing: ServiceTiming,
): Promise<void> {
  const { server } = exchange;
  timing.serviceMs = env.context.sampler.serviceTime(costs, bypassesCustomLogic(exchange.req.headers));
  await env.context.gate.serve(timing.serviceMs, server);
}

/** Stages 5 to 7, inside the admission: fault, dispatch to the route, delay. */
export async function serveOperation(
  exchange: ApiExchange,
  resource: Resource,
  userId: string,
  body: string,
  env: PipelineEnv,
  timing: ServiceTiming,
): Promise<Outcome> {
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
  let response: ApiResponse;
  try {
    response = await dispatch(fault, resource, requestOf(exchange, userId, body), env);
  } catch (error) {
    // A failed operation still took server time.
    await delay(env, exchange, ownCost, timing);
    return { kind: 'answer', response: errorResponse(asDataverseError(error, exchange)), dropAfter };
  }
  await delay(env, exchange, response.cost ?? ownCost, timing);
  if (fault?.kind === 'slow') await sleep(fault.slowMs);
  return { kind: 'answer', response, dropAfter };
}
