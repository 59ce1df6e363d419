import { WAITED_HEADER } from '../../protocol/timeCompression.js';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { adminErrors } from '../admin/adminErrors.js';
import { adminGuard, isLoopbackHost } from '../admin/adminGuard.js';
import { handleAdminRequest, type AdminResponse } from '../admin/handleAdminRequest.js';
import { serverResourceStats } from '../admin/serverResourceStats.js';
import { handleTokenRequest, TOKEN_PATH, withBasicCredentials } from '../auth/handleTokenRequest.js';
import {
  INSTANCE_DISCOVERY_PATH,
  instanceDiscovery,
  KEYS_PATH,
  openIdConfiguration,
  OPENID_CONFIGURATION_PATH,
  type OpenIdAnswer,
} from '../auth/openIdMetadata.js';
import { DataverseError } from '../errors/DataverseError.js';
import { dataverseErrors } from '../errors/dataverseErrors.js';
import { readRequestBody } from '../http/readRequestBody.js';
import { writeResponse } from '../http/writeResponse.js';
import type { PipelineEnv } from './ApiExchange.js';
import { handleApiRequest } from './handleApiRequest.js';
import type { MaybePromise } from './MaybePromise.js';

const API_ROOT = /^\/api\/data\/(v9\.[0-2])\/(.*)$/s;
/** Admin requests are tiny (a seed request is a few counts): more is refused before it is buffered. */
const ADMIN_MAX_BODY = 1024 * 1024;
/** A fresh object each time: `writeResponse` adds Content-Length to the headers it is given. */
const jsonHeaders = (): Record<string, string> => ({ 'Content-Type': 'application/json' });

export interface ServerEnv extends PipelineEnv {
  readonly loopbackAdminOnly: boolean;
  /** `https` when the mock serves TLS: the links it writes (nextLink, discovery documents) say so. */
  readonly scheme: 'http' | 'https';
}

interface Target {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly pathname: string;
}

/** The body of a non-API request, or `undefined` once the refusal (or nothing, if the client left) is written. */
async function readBody(target: Target, env: ServerEnv, limit: number): Promise<string | undefined> {
  const body = await readRequestBody(target.req, limit, env.bodies);
  if (body.ok) return body.body;
  if (body.reason === 'aborted') return undefined;
  const refusal =
    body.reason === 'too-large'
      ? adminErrors.DVB_MOCK_TOO_LARGE(`request body too large (at most ${limit} bytes)`)
      : adminErrors.DVB_MOCK_BUSY('too many request bodies are being received at once; try again shortly');
  const headers = { ...jsonHeaders(), Connection: 'close', ...(refusal.status === 503 ? { 'Retry-After': '1' } : {}) };
  writeResponse(target.res, refusal.status, headers, JSON.stringify(refusal.body));
  return undefined;
}

async function serveAdmin(target: Target, env: ServerEnv): Promise<void> {
  const body = await readBody(target, env, ADMIN_MAX_BODY);
  if (body === undefined) return;
  const { context } = env;
  let answer: AdminResponse | undefined = adminGuard(target.method, target.req.headers, body, env.loopbackAdminOnly);
  try {
    answer ??= handleAdminRequest(target.method, target.pathname, body, context, () => ({
      throttling: context.protection.stats(),
      faults: context.faults.stats(),
      plugins: { ...context.sampler.pluginStats },
      server: {
        ...context.gate.stats(),
        unpaidCreditMs: Math.round(context.delays.unpaidCreditMs * 1000) / 1000,
        ...serverResourceStats(),
      },
      webServers: context.webServers.stats(),
    }));
  } catch (error) {
    if (!(error instanceof DataverseError)) throw error;
    answer = { status: error.status, body: error.toBody() };
  }
  writeResponse(target.res, answer.status, jsonHeaders(), JSON.stringify(answer.body));
}

async function serveToken(target: Target, env: ServerEnv, v2: boolean): Promise<void> {
  const body = await readBody(target, env, env.context.config.maxBodyBytes);
  if (body === undefined) return;
  const form = withBasicCredentials(new URLSearchParams(body), target.req.headers.authorization);
  const answer = form instanceof URLSearchParams ? handleTokenRequest(form, v2, env.context) : form;
  const headers = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store, no-cache' };
  writeResponse(target.res, answer.status, headers, JSON.stringify(answer.body));
}

async function serveNotFound(target: Target, env: ServerEnv): Promise<void> {
  if ((await readBody(target, env, env.context.config.maxBodyBytes)) === undefined) return;
  const url = `${env.scheme}://${target.req.headers.host ?? ''}${target.pathname}`;
  writeResponse(target.res, 404, jsonHeaders(), JSON.stringify(dataverseErrors.noHttpResource(url).toBody()));
}

/** Entra ID's discovery endpoints, answered from the mock's own origin; undefined for any other path. */
function openIdAnswer(target: Target, env: ServerEnv, query: string): OpenIdAnswer | undefined {
  const origin = `${env.scheme}://${target.req.headers.host ?? '127.0.0.1'}`;
  const configuration = OPENID_CONFIGURATION_PATH.exec(target.pathname);
  if (configuration !== null) return openIdConfiguration(origin, configuration[1] ?? 'common');
  if (target.pathname === INSTANCE_DISCOVERY_PATH) return instanceDiscovery(origin, new URLSearchParams(query));
  if (KEYS_PATH.test(target.pathname)) return { status: 200, body: { keys: [] } };
  return undefined;
}

/** Answers a discovery request (true), or leaves the request alone (false). */
function serveDiscovery(target: Target, env: ServerEnv, query: string): boolean {
  const answer = openIdAnswer(target, env, query);
  if (answer === undefined) return false;
  target.req.resume();
  writeResponse(target.res, answer.status, jsonHeaders(), JSON.stringify(answer.body));
  return true;
}

/**
 * On loopback every route answers loopback names only: a page whose host name was rebound to
 * 127.0.0.1 could otherwise sign in and read or write records (DNS rebinding). True when refused.
 */
function refusedHost(req: IncomingMessage, res: ServerResponse, env: ServerEnv): boolean {
  const host = req.headers.host;
  if (!env.loopbackAdminOnly || host === undefined || isLoopbackHost(host)) return false;
  const refusal = adminErrors.DVB_MOCK_FORBIDDEN(
    `this mock listens on loopback and answers requests addressed to a loopback name ` +
      `(127.0.0.1, localhost, [::1]) only, not '${host}'`,
  );
  writeResponse(res, refusal.status, { ...jsonHeaders(), Connection: 'close' }, JSON.stringify(refusal.body));
  req.resume();
  return true;
}

/**
 * The mock's three faces: the Web API, the token endpoint and discovery documents (Entra ID's
 * shape) and `/_mock/*` for the harness. A Web API request with nothing to wait for is answered
 * before this returns.
 */
export function handleServerRequest(req: IncomingMessage, res: ServerResponse, env: ServerEnv): MaybePromise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  const method = req.method ?? 'GET';
  if (refusedHost(req, res, env)) return undefined;
  const api = API_ROOT.exec(pathname);
  if (api !== null) {
    const host = req.headers.host ?? '127.0.0.1';
    // The load balancer decides before the server sees anything, authentication included.
    const { server, setCookie } = env.context.webServers.pick(req.headers.cookie);
    return handleApiRequest(
      {
        req,
        res,
        server,
        setCookie,
        waits: env.context.delays.arrive(req.socket, req.headers[WAITED_HEADER] !== undefined),
        requestId: randomUUID(),
        method,
        host,
        path: api[2] ?? '',
        query: q < 0 ? '' : url.slice(q + 1),
        baseUrl: `${env.scheme}://${host}/api/data/${api[1] ?? 'v9.2'}/`,
      },
      env,
    );
  }
  return serveBesideApi({ req, res, method, pathname }, env, q < 0 ? '' : url.slice(q + 1));
}

/** Everything but the Web API: the harness's admin API, sign-in, discovery, and a 404 for the rest. */
function serveBesideApi(target: Target, env: ServerEnv, query: string): MaybePromise<void> {
  const { pathname, method } = target;
  if (pathname === '/_mock' || pathname.startsWith('/_mock/')) return serveAdmin(target, env);
  const token = TOKEN_PATH.exec(pathname);
  if (token !== null && method === 'POST') return serveToken(target, env, token[2] !== undefined);
  if (method === 'GET' && serveDiscovery(target, env, query)) return undefined;
  return serveNotFound(target, env);
}
