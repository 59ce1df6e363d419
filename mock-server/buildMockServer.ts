import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { MockStats } from './admin/MockStats.js';
import { identityGuid, TokenIssuer } from './auth/TokenIssuer.js';
import type { MockConfig, MockConfigInput } from './config/mockConfigSchema.js';
import { parseMockConfig } from './config/parseMockConfig.js';
import { BodyBudget } from './http/readRequestBody.js';
import { writeResponse } from './http/writeResponse.js';
import { Catalogue } from './metadata/Catalogue.js';
import type { MockContext } from './MockContext.js';
import { handleServerRequest, type ServerEnv } from './pipeline/handleServerRequest.js';
import { apiRoutes } from './routes/apiRoutes.js';
import { Store } from './store/Store.js';
import { FaultInjector } from './faults/FaultInjector.js';
import { WebServers } from './balancer/WebServers.js';
import { Delays } from './latency/Delays.js';
import { CapacityGate } from './latency/CapacityGate.js';
import { ServiceTimeSampler } from './latency/ServiceTimeSampler.js';
import { ServiceProtection } from './throttle/ServiceProtection.js';

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
  /** How long a request's head may take to arrive before a 408 (Node's default, 60 s); tests shorten it. */
  readonly headersTimeoutMs?: number;
  /** Serve HTTPS with this key and certificate (PEM), as `dvbench mock --tls` does. */
  readonly tls?: { readonly key: string; readonly cert: string } | undefined;
}

export interface MockServer {
  /** The node:http (or node:https) server, not yet listening. */
  readonly server: Server | HttpsServer;
  readonly context: MockContext;
}

/** The user requests run as when auth is off. */
const ANONYMOUS = 'anonymous';

/** What Node answers itself when it cannot even parse a request, in Dataverse's envelope. */
function rejectUnparsable(error: NodeJS.ErrnoException, socket: NodeJS.WritableStream & { writable: boolean }): void {
  if (!socket.writable) return;
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  // A head that never finished arriving is a timeout, which clients retry; not malformed HTTP.
  const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  const message = tooLarge
    ? 'The request headers or URL are too long.'
    : timedOut
      ? 'The request was not received in time.'
      : 'The request is not valid HTTP.';
  const body = JSON.stringify({ error: { code: '0x80060888', message } });
  const status = tooLarge
    ? '431 Request Header Fields Too Large'
    : timedOut
      ? '408 Request Timeout'
      : '400 Bad Request';
  socket.end(
    `HTTP/1.1 ` +
      `${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: ` +
      `close\r\n\r\n${body}`,
  );
}

/** A bug in the mock, not the client's mistake: logged, and a 500 in Dataverse's envelope. */
function answerUnexpected(res: ServerResponse, error: unknown): void {
  console.error('dvbench mock: unhandled error', error);
  // The answer may have been half written when the bug struck: the connection is not reused.
  writeResponse(
    res,
    500,
    { 'Content-Type': 'application/json', Connection: 'close' },
    '{"error":{"code":"0x80040216","message":"An unexpected error occurred."}}',
  );
}

function buildContext(config: MockConfig, now: () => number): MockContext {
  const { catalogue } = Catalogue.build(config.tables);
  const delays = new Delays(config.timeScale);
  return {
    config,
    catalogue,
    store: new Store(catalogue),
    stats: new MockStats(),
    tokens: new TokenIssuer(now, config.maxTokens),
    protection: new ServiceProtection(config),
    sampler: new ServiceTimeSampler(config),
    gate: new CapacityGate(config.capacity, config.serializedFraction, {
      webServers: config.webServers,
      contention: config.contention,
      delays,
    }),
    delays,
    webServers: new WebServers(config.webServers, config.organization.organizationId),
    faults: new FaultInjector(config),
    now,
  };
}

/**
 * Builds the mock Dataverse Web API server without listening, so tests and the runner decide
 * where it listens (`startMockServer`). One config, validated once, drives its behaviour; a
 * request's path through it is in `pipeline/`.
 */
export function buildMockServer(options: MockServerOptions = {}): MockServer {
  const config = parseMockConfig(options.config ?? {}, 'mock configuration');
  const context = buildContext(config, options.now ?? Date.now);
  const env: ServerEnv = {
    context,
    routes: apiRoutes,
    bodies: new BodyBudget(config.maxBodyBytesInFlight),
    authEnabled: options.noAuth === true ? false : config.auth.enabled,
    anonymousUser: identityGuid(ANONYMOUS, config.organization.organizationId),
    loopbackAdminOnly: options.loopbackAdminOnly !== false,
    scheme: options.tls === undefined ? 'http' : 'https',
  };
  // Dataverse takes URLs up to 32,768 characters (GET) and more inside $batch: headers this long
  // must be read, not refused.
  const headersTimeout = options.headersTimeoutMs ?? 60_000;
  const serverOptions = {
    maxHeaderSize: 96 * 1024,
    headersTimeout,
    requestTimeout: Math.max(300_000, headersTimeout),
    connectionsCheckingInterval: Math.min(30_000, Math.max(10, headersTimeout / 2)),
  };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      const pending = handleServerRequest(req, res, env);
      if (pending instanceof Promise)
        pending.catch((error: unknown) => {
          answerUnexpected(res, error);
        });
    } catch (error) {
      answerUnexpected(res, error);
    }
  };
  const server =
    options.tls === undefined
      ? createServer(serverOptions, handler)
      : createHttpsServer({ ...serverOptions, key: options.tls.key, cert: options.tls.cert }, handler);
  // Clients such as undici keep connections alive for 4 s by default; outlive that.
  server.keepAliveTimeout = 65_000;
  server.on('clientError', rejectUnparsable);
  return { server, context };
}
