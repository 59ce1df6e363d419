import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { MockStats } from './admin/MockStats.js';
import { handleAdminRequest } from './admin/handleAdminRequest.js';
import { handleTokenRequest, TOKEN_PATH } from './auth/handleTokenRequest.js';
import { identityGuid, TokenIssuer } from './auth/TokenIssuer.js';
import type { MockConfig, MockConfigInput } from './config/mockConfigSchema.js';
import { parseMockConfig } from './config/parseMockConfig.js';
import { DataverseError } from './errors/DataverseError.js';
import { dataverseErrors } from './errors/dataverseErrors.js';
import { JSON_CONTENT_TYPE, type ApiRequest, type ApiResponse } from './http/ApiMessage.js';
import { BodyBudget, readRequestBody } from './http/readRequestBody.js';
import { adminGuard } from './admin/adminGuard.js';
import { adminErrors } from './admin/adminErrors.js';
import { writeResponse } from './http/writeResponse.js';
import { Catalogue } from './metadata/Catalogue.js';
import type { MockContext } from './MockContext.js';
import { dispatchApiRequest, parseResourcePath, type ExtraHandlers } from './routes/dispatchApiRequest.js';
import { handleBatch } from './batch/handleBatch.js';
import { handleBulkAction } from './batch/handleBulkAction.js';
import { routeLabel, type Resource } from './routes/parseResourcePath.js';
import { Store } from './store/Store.js';
import { FaultInjector } from './faults/FaultInjector.js';
import { CapacityGate } from './latency/CapacityGate.js';
import { ServiceTimeSampler } from './latency/ServiceTimeSampler.js';
import { ServiceProtection } from './throttle/ServiceProtection.js';
import { operationKindOf } from './routes/operationKindOf.js';
import { serverResourceStats } from './admin/serverResourceStats.js';

export interface MockServerOptions {
  /** Raw (validated here) or already-parsed configuration. */
  readonly config?: MockConfigInput | MockConfig;
  /** Turns bearer-token checks off (the `--no-auth` flag); wins over `config.auth.enabled`. */
  readonly noAuth?: boolean;
  /** Clock in ms; tests inject one to expire tokens without waiting. */
  readonly now?: () => number;
  /**
   * Accept admin requests (`/_mock/*`) only with a loopback Host and, if any, Origin: a web
   * page the user has open cannot reset or seed the mock (cross-site requests, DNS
   * rebinding). Off when the mock is bound to a non-loopback address on purpose. @default true
   */
  readonly loopbackAdminOnly?: boolean;
}

export interface MockServer {
  /** The node:http server, not yet listening. */
  readonly server: Server;
  readonly context: MockContext;
}

class LostWrite extends Error {}

const API_ROOT = /^\/api\/data\/(v9\.[0-2])\/(.*)$/s;
/** Admin requests are tiny (a seed request is a few counts): more is refused before it is buffered. */
const ADMIN_MAX_BODY = 1024 * 1024;

/** The user requests run as when auth is off. */
const ANONYMOUS = 'anonymous';

function errorResponse(error: DataverseError): ApiResponse {
  return {
    status: error.status,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, ...error.headers },
    body: JSON.stringify(error.toBody()),
  };
}

/**
 * Builds the mock Dataverse Web API server without listening, so tests and the runner decide
 * where it listens (`startMockServer`). One config, validated once, drives its behaviour.
 */
export function buildMockServer(options: MockServerOptions = {}): MockServer {
  const config = parseMockConfig(options.config ?? {}, 'mock configuration');
  const { catalogue } = Catalogue.build(config.tables);
  const now = options.now ?? Date.now;
  const authEnabled = options.noAuth === true ? false : config.auth.enabled;
  const context: MockContext = {
    config,
    catalogue,
    store: new Store(catalogue),
    stats: new MockStats(),
    tokens: new TokenIssuer(now, config.maxTokens),
    protection: new ServiceProtection(config),
    sampler: new ServiceTimeSampler(config),
    gate: new CapacityGate(config.capacity, config.serializedFraction),
    faults: new FaultInjector(config),
    now,
  };
  const anonymousUser = identityGuid(ANONYMOUS, config.organization.organizationId);
  const bodies = new BodyBudget(config.maxBodyBytesInFlight);
  const extraHandlers: ExtraHandlers = {
    batch: (request, ctx) => handleBatch(request, ctx, extraHandlers),
    action: handleBulkAction,
  };

  /** The `lose` and `duplicate` faults: a create answered as usual, but kept zero times or twice. */
  function corruptCreate(kind: 'lose' | 'duplicate', resource: Resource, request: ApiRequest): ApiResponse {
    if (kind === 'lose') {
      let answer: ApiResponse | undefined;
      try {
        context.store.transaction(() => {
          answer = dispatchApiRequest(resource, request, context) as ApiResponse;
          throw new LostWrite();
        });
      } catch (error) {
        if (!(error instanceof LostWrite)) throw error;
      }
      return answer as ApiResponse;
    }
    const answer = dispatchApiRequest(resource, request, context) as ApiResponse;
    if (answer.status < 300 && resource.kind === 'collection') {
      // The copy gets a new id (and no alternate key values, which would clash).
      const keys = new Set([resource.table.primaryKey, ...resource.table.definition.alternateKeys.flat()]);
      const body = Object.fromEntries(
        Object.entries(JSON.parse(request.body) as Record<string, unknown>).filter(([k]) => !keys.has(k)),
      );
      void dispatchApiRequest(
        resource,
        { ...request, body: JSON.stringify(body), headers: { ...request.headers, prefer: undefined } },
        context,
      );
    }
    return answer;
  }

  async function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    version: string,
    rest: string,
    query: string,
  ): Promise<void> {
    const requestId = randomUUID();
    const method = req.method ?? 'GET';
    const host = req.headers.host ?? '127.0.0.1';
    const baseUrl = `http://${host}/api/data/${version}/`;
    let resource: Resource | undefined;
    let response: ApiResponse;
    let userId: string | undefined;
    let dropAfter = false;
    try {
      userId = anonymousUser;
      if (authEnabled) {
        const check = context.tokens.check(req.headers.authorization);
        if (!check.ok) {
          const tenant = config.organization.tenantId;
          throw dataverseErrors.unauthorized(
            `Bearer authorization_uri=http://${host}/${tenant}/oauth2/authorize, resource_id=http://${host}/`,
            check.reason,
          );
        }
        userId = check.userId;
      }
      resource = parseResourcePath(rest, catalogue);
      const kind = operationKindOf(method, resource);
      // The body is read before the request is admitted: a slow upload holds no concurrency slot.
      const body = await readRequestBody(req, config.maxBodyBytes, bodies);
      if (!body.ok) {
        if (body.reason === 'aborted') return;
        res.setHeader('Connection', 'close');
        if (body.reason === 'busy')
          throw new DataverseError(
            503,
            '',
            'Server Busy: too many request bodies are being received at once; try again shortly.',
            { 'Retry-After': '1' },
          );
        throw dataverseErrors.payloadTooLarge(config.maxBodyBytes);
      }
      const contentType = req.headers['content-type'];
      if (
        (method === 'POST' || method === 'PATCH' || method === 'PUT') &&
        body.body !== '' &&
        (contentType === undefined || contentType.trim() === '')
      ) {
        throw dataverseErrors.unsupportedMediaType('(none)');
      }
      const admission = context.protection.admit(userId, now(), resource.kind === 'batch');
      if (!admission.ok) throw admission.error;
      let serviceMs = 0;
      try {
        const table = 'table' in resource ? resource.table.logicalName : undefined;
        const fault = context.faults.pick(table, kind);
        // A dropped response is lost whatever the operation answered.
        dropAfter = fault?.kind === 'drop' && fault.afterProcessing;
        if (fault?.kind === 'drop' && !fault.afterProcessing) {
          req.socket.destroy();
          return;
        }
        if (fault?.kind === '503') {
          // Text chosen for the mock: Dataverse's 503 bodies vary and are not documented.
          throw new DataverseError(503, '', 'The service is temporarily unavailable. Please try again later.', {
            'Retry-After': '1',
          });
        }
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(req.headers))
          headers[name] = Array.isArray(value) ? value.join(', ') : value;
        const request: ApiRequest = { method, path: rest, query, headers, body: body.body, baseUrl, userId };
        try {
          if (
            (fault?.kind === 'lose' || fault?.kind === 'duplicate') &&
            resource.kind === 'collection' &&
            method === 'POST'
          ) {
            response = corruptCreate(fault.kind, resource, request);
          } else {
            response = await dispatchApiRequest(resource, request, context, extraHandlers);
          }
        } catch (error) {
          // A failed operation still took server time.
          serviceMs = context.sampler.serviceTime([{ kind }]);
          await context.gate.serve(serviceMs);
          throw error;
        }
        serviceMs = context.sampler.serviceTime(response.cost ?? [{ kind }]);
        await context.gate.serve(serviceMs);
        if (fault?.kind === 'slow') await sleep(fault.slowMs);
      } finally {
        admission.release(serviceMs, now());
      }
    } catch (error) {
      if (error instanceof DataverseError) {
        response = errorResponse(error);
      } else {
        // A bug in the mock, never a client mistake: log it and answer in Dataverse's envelope.
        console.error(`dvbench mock: internal error on ${method} ${req.url ?? ''}:`, error);
        response = errorResponse(new DataverseError(500, '0x80040216', 'An unexpected error occurred.'));
      }
    }
    context.stats.record(routeLabel(method, resource), dropAfter ? 0 : response.status);
    if (dropAfter) {
      // The change is applied but the client never hears of it: what retries must survive.
      req.socket.destroy();
      return;
    }
    writeResponse(
      res,
      response.status,
      {
        'OData-Version': '4.0',
        'Cache-Control': 'no-cache',
        Expires: '-1',
        'x-ms-service-request-id': requestId,
        REQ_ID: requestId,
        ...(userId === undefined ? {} : context.protection.headers(userId, now(), config.dopHint)),
        ...response.headers,
      },
      response.body,
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? '' : url.slice(q + 1);
    const api = API_ROOT.exec(pathname);
    if (api !== null) {
      await handleApi(req, res, api[1] ?? 'v9.2', api[2] ?? '', query);
      return;
    }
    const method = req.method ?? 'GET';
    const isAdmin = pathname === '/_mock' || pathname.startsWith('/_mock/');
    const body = await readRequestBody(req, isAdmin ? ADMIN_MAX_BODY : config.maxBodyBytes, bodies);
    if (!body.ok) {
      const refusal =
        body.reason === 'too-large'
          ? adminErrors.DVB_MOCK_TOO_LARGE(
              `request body too large (at most ${isAdmin ? ADMIN_MAX_BODY : config.maxBodyBytes} bytes)`,
            )
          : body.reason === 'busy'
            ? adminErrors.DVB_MOCK_BUSY('too many request bodies are being received at once; try again shortly')
            : undefined;
      if (refusal !== undefined)
        writeResponse(
          res,
          refusal.status,
          {
            'Content-Type': 'application/json',
            Connection: 'close',
            ...(refusal.status === 503 ? { 'Retry-After': '1' } : {}),
          },
          JSON.stringify(refusal.body),
        );
      return;
    }
    if (isAdmin) {
      const refused = adminGuard(method, req.headers, body.body, loopbackOnly);
      if (refused !== undefined) {
        writeResponse(res, refused.status, { 'Content-Type': 'application/json' }, JSON.stringify(refused.body));
        return;
      }
      let admin;
      try {
        admin = handleAdminRequest(method, pathname, body.body, context, () => ({
          throttling: context.protection.stats(),
          faults: context.faults.stats(),
          server: { ...context.gate.stats(), ...serverResourceStats() },
        }));
      } catch (error) {
        if (!(error instanceof DataverseError)) throw error;
        admin = { status: error.status, body: error.toBody() };
      }
      writeResponse(res, admin.status, { 'Content-Type': 'application/json' }, JSON.stringify(admin.body));
      return;
    }
    const token = TOKEN_PATH.exec(pathname);
    if (token !== null && method === 'POST') {
      const answer = handleTokenRequest(new URLSearchParams(body.body), token[2] !== undefined, context);
      writeResponse(
        res,
        answer.status,
        { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store, no-cache' },
        JSON.stringify(answer.body),
      );
      return;
    }
    writeResponse(
      res,
      404,
      { 'Content-Type': 'application/json' },
      JSON.stringify(dataverseErrors.noHttpResource(`http://${req.headers.host ?? ''}${pathname}`).toBody()),
    );
  }

  const loopbackOnly = options.loopbackAdminOnly !== false;
  // Dataverse takes URLs up to 32,768 characters (GET) and more inside $batch: headers this long must be read, not refused.
  const server = createServer({ maxHeaderSize: 96 * 1024 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('dvbench mock: unhandled error', error);
      writeResponse(
        res,
        500,
        { 'Content-Type': 'application/json' },
        '{"error":{"code":"0x80040216","message":"An unexpected error occurred."}}',
      );
    });
  });
  // Clients such as undici keep connections alive for 4 s by default; outlive that.
  server.keepAliveTimeout = 65_000;
  // A request Node cannot even parse (headers past the limit, bad syntax) still gets Dataverse's envelope.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return;
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const body = JSON.stringify(
      tooLarge
        ? { error: { code: '0x80060888', message: 'The request headers or URL are too long.' } }
        : { error: { code: '0x80060888', message: 'The request is not valid HTTP.' } },
    );
    socket.end(
      `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  return { server, context };
}
