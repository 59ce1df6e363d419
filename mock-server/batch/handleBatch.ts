import { randomUUID } from 'node:crypto';
import {
  BatchFormatError,
  decodeBatchRequest,
  encodeBatchResponse,
  type BatchEntry,
  type HttpRequestMessage,
  type HttpResponseMessage,
} from '../../protocol/batch/index.js';
import { DataverseError } from '../errors/DataverseError.js';
import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { ApiRequest, ApiResponse } from '../http/ApiMessage.js';
import { errorResponse } from '../http/ApiMessage.js';
import { statusText } from '../http/statusText.js';
import type { OperationCost } from '../latency/ServiceTimeSampler.js';
import type { MockContext } from '../MockContext.js';
import { operationKindOf } from '../routes/operationKindOf.js';
import { parseResourcePath } from '../routes/parseResourcePath.js';
import { parsePrefer } from '../odata/parsePrefer.js';
import type { ApiRoutes } from '../routes/routeTable.js';
import { dispatchApiRequest } from '../routes/dispatchApiRequest.js';

/** Dataverse's limit of requests in one `$batch`, changeset operations included. */
const MAX_BATCH_OPERATIONS = 1000;

class ChangesetFailed extends Error {
  constructor(
    readonly response: ApiResponse,
    readonly contentId: string | undefined,
  ) {
    super('changeset failed');
  }
}

function toPart(response: ApiResponse): HttpResponseMessage {
  return {
    status: response.status,
    statusText: statusText(response.status),
    headers: { 'OData-Version': '4.0', ...response.headers },
    body: response.body,
  };
}

/** The inner URL as a path below the Web API root plus its query, resolving `$n` references. */
function innerTarget(
  url: string,
  outer: ApiRequest,
  contentIds: ReadonlyMap<string, string> | undefined,
): { path: string; query: string } {
  let target = url;
  const ref = /^\$(\d+)(.*)$/s.exec(target);
  if (ref !== null) {
    const resolved = contentIds?.get(ref[1] ?? '');
    if (resolved === undefined)
      throw dataverseErrors.badRequest(`Content-ID Reference: '$${ref[1] ?? ''}' does not exist in the batch context.`);
    target = resolved + (ref[2] ?? '');
  }
  const m = /^(?:https?:\/\/[^/]+)?\/api\/data\/v9\.[0-2]\/(.*)$/s.exec(target);
  const rest = m === null ? (/^https?:|^\//.test(target) ? undefined : target) : m[1];
  if (rest === undefined)
    throw dataverseErrors.badRequest(`The URL '${url}' in the batch is not under the Web API root ${outer.baseUrl}.`);
  const q = rest.indexOf('?');
  return { path: q < 0 ? rest : rest.slice(0, q), query: q < 0 ? '' : rest.slice(q + 1) };
}

/** What every part of one `$batch` shares: the outer request, the mock, the parts' costs, a changeset's Content-IDs. */
interface BatchScope {
  readonly outer: ApiRequest;
  readonly ctx: MockContext;
  readonly routes: ApiRoutes;
  readonly costs: OperationCost[];
  readonly contentIds?: Map<string, string> | undefined;
}

/** Runs one inner request; a DataverseError becomes its error response, as a part. */
function runInner(message: HttpRequestMessage, scope: BatchScope): ApiResponse {
  const { outer, ctx, routes, costs, contentIds } = scope;
  let kind: OperationCost['kind'] = 'read';
  let table: string | undefined;
  try {
    const { path, query } = innerTarget(message.url, outer, contentIds);
    const resource = parseResourcePath(path, ctx.catalogue);
    kind = operationKindOf(message.method, resource, message.headers);
    if ('table' in resource) table = resource.table.logicalName;
    if (resource.kind === 'batch')
      throw dataverseErrors.badRequest('A $batch request cannot contain another $batch request.');
    const request: ApiRequest = {
      method: message.method,
      path,
      query,
      headers: message.headers,
      body: message.body,
      baseUrl: outer.baseUrl,
      userId: outer.userId,
      ...(contentIds === undefined ? {} : { contentIdUrl: (r: string) => contentIds.get(r.replace(/^\$/, '')) }),
    };
    const response = dispatchApiRequest(resource, request, ctx, routes);
    if (response instanceof Promise) throw new Error('inner batch requests must be synchronous');
    for (const c of response.cost ?? [{ kind, ...(table === undefined ? {} : { table }) }])
      costs.push({ ...c, inBatch: true });
    return response;
  } catch (error) {
    costs.push({ kind, inBatch: true, ...(table === undefined ? {} : { table }) });
    if (error instanceof DataverseError)
      return errorResponse(error, { REQ_ID: randomUUID() }, parsePrefer(message.headers.prefer).includeAnnotations);
    // A bug in the mock answers this part alone: the parts before it stay answered, as they stay committed.
    console.error(`dvbench mock: internal error in a $batch part ${message.method} ${message.url}:`, error);
    return errorResponse(dataverseErrors.internal(), { REQ_ID: randomUUID() });
  }
}

/**
 * One changeset, all or nothing: its transaction's cost, then its items in one store
 * transaction; a failed item rolls all of it back and answers for it alone (OData 4.0 §11.7.4).
 */
function runChangeset(
  entry: Extract<BatchEntry<HttpRequestMessage>, { kind: 'changeset' }>,
  request: ApiRequest,
  ctx: MockContext,
  routes: ApiRoutes,
  costs: OperationCost[],
): { entry: BatchEntry<HttpResponseMessage>; bytes: number; failedStatus: number | undefined } {
  costs.push({ kind: 'changeset' });
  const contentIds = new Map<string, string>();
  let bytes = 0;
  try {
    const responses = ctx.store.transaction(() =>
      entry.items.map((item) => {
        const response = runInner(item.message, { outer: request, ctx, routes, costs, contentIds });
        if (response.status >= 400) throw new ChangesetFailed(response, item.contentId);
        bytes += response.body.length;
        const location = response.headers['OData-EntityId'] ?? response.headers.Location;
        if (item.contentId !== undefined && location !== undefined) contentIds.set(item.contentId, location);
        return {
          message: toPart(response),
          ...(item.contentId === undefined ? {} : { contentId: item.contentId }),
        };
      }),
    );
    return { entry: { kind: 'changeset', items: responses }, bytes, failedStatus: undefined };
  } catch (error) {
    if (!(error instanceof ChangesetFailed)) throw error;
    return {
      entry: {
        kind: 'request',
        message: toPart(error.response),
        ...(error.contentId === undefined ? {} : { contentId: error.contentId }),
      },
      bytes: 0,
      failedStatus: error.response.status,
    };
  }
}

function validate(entries: readonly BatchEntry<HttpRequestMessage>[]): void {
  let operations = 0;
  for (const entry of entries) {
    if (entry.kind === 'request') operations++;
    else {
      operations += entry.items.length;
      for (const item of entry.items) {
        if (item.message.method === 'GET')
          throw new BatchFormatError('a GET request is not allowed inside a changeset');
      }
    }
  }
  if (operations > MAX_BATCH_OPERATIONS) {
    throw dataverseErrors.badRequest(
      `The current batch message contains too many operations (${operations}). Only batch ` +
        `messages with a maximum number of '${MAX_BATCH_OPERATIONS}' operations, including ` +
        `changeset operations, are allowed.`,
      '0x80060888',
    );
  }
}

/**
 * `POST $batch`: top-level requests and changesets run one after another. A changeset is
 * atomic: one failure rolls back all of it and it answers with that single error. Without
 * `Prefer: odata.continue-on-error` processing stops at the first failure and the top-level
 * status is that failure's; with it, every part is answered and the top level is 200.
 */
export function handleBatch(request: ApiRequest, ctx: MockContext, routes: ApiRoutes): ApiResponse {
  let entries: BatchEntry<HttpRequestMessage>[];
  try {
    entries = decodeBatchRequest(request.body, request.headers['content-type']);
    validate(entries);
  } catch (error) {
    if (error instanceof BatchFormatError) throw dataverseErrors.payloadError('$batch', error.message);
    throw error;
  }
  const continueOnError = parsePrefer(request.headers.prefer).continueOnError;
  const costs: OperationCost[] = [{ kind: 'batch' }];
  const out: BatchEntry<HttpResponseMessage>[] = [];
  let topStatus = 200;
  let responseBytes = 0;
  const tooLarge = (): ApiResponse =>
    errorResponse(
      dataverseErrors.badRequest(
        `The $batch response would exceed ${ctx.config.maxResponseBytes} bytes; the batch ` +
          `stopped here. Ask for fewer records per part ($top, $select, odata.maxpagesize) or send fewer parts.`,
      ),
    );
  for (const entry of entries) {
    let failedStatus: number | undefined;
    if (responseBytes > ctx.config.maxResponseBytes) {
      out.push({ kind: 'request', message: toPart(tooLarge()) });
      topStatus = 400;
      break;
    }
    if (entry.kind === 'request') {
      const response = runInner(entry.message, { outer: request, ctx, routes, costs });
      responseBytes += response.body.length;
      out.push({
        kind: 'request',
        message: toPart(response),
        ...(entry.contentId === undefined ? {} : { contentId: entry.contentId }),
      });
      if (response.status >= 400) failedStatus = response.status;
    } else {
      const answered = runChangeset(entry, request, ctx, routes, costs);
      responseBytes += answered.bytes;
      out.push(answered.entry);
      failedStatus = answered.failedStatus;
    }
    if (failedStatus !== undefined && !continueOnError) {
      topStatus = failedStatus;
      break;
    }
  }
  const id = randomUUID();
  const boundary = `batchresponse_${id}`;
  return {
    status: topStatus,
    headers: {
      'Content-Type': `multipart/mixed; boundary=${boundary}`,
      ...(continueOnError ? { 'Preference-Applied': 'odata.continue-on-error' } : {}),
    },
    body: encodeBatchResponse(out, boundary, () => `changesetresponse_${randomUUID()}`),
    cost: costs,
  };
}
