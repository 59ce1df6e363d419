import { writeResponse } from '../http/writeResponse.js';
import type { ApiResponse } from '../http/ApiMessage.js';
import { routeLabel } from '../routes/routeTable.js';
import type { ApiExchange, PipelineEnv } from './ApiExchange.js';
import { formatWaited, WAIT_HEADER } from '../../protocol/timeCompression.js';

/** Stage 8: counts the request and writes Dataverse's standard headers around the answer. */
export function respond(exchange: ApiExchange, env: PipelineEnv, response: ApiResponse, dropAfter: boolean): void {
  const { context } = env;
  const { req, res, method, resource, userId, requestId, server, setCookie } = exchange;
  context.stats.record(routeLabel(method, resource, env.routes), dropAfter ? 0 : response.status);
  context.webServers.record(server, dropAfter ? 0 : response.status);
  if (dropAfter) {
    // The change is applied but the client never hears of it: what retries must survive.
    req.socket.destroy();
    return;
  }
  const headers: Record<string, string> = {
    'OData-Version': '4.0',
    'Cache-Control': 'no-cache',
    Expires: '-1',
    'x-ms-service-request-id': requestId,
    REQ_ID: requestId,
  };
  if (setCookie !== undefined) headers['Set-Cookie'] = setCookie;
  // Only a time-compressed mock says it: the client counts these waits in the org's time, its own once.
  if (context.delays.scale !== 1)
    headers[WAIT_HEADER] = formatWaited(context.delays.answered(req.socket, exchange.waits, response.status));
  if (userId !== undefined)
    Object.assign(headers, context.protection.headers(userId, context.now(), context.config.dopHint, server));
  writeResponse(res, response.status, Object.assign(headers, response.headers), response.body);
}
