import { afterAll, beforeAll } from 'vitest';
import { request } from 'undici';
import { startMockServer, type RunningMockServer, type StartMockServerOptions } from '../../mock-server/index.js';

export interface ApiResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** Parsed JSON body, or undefined for an empty or non-JSON body. */
  readonly json: any;
}

export interface MockHandle {
  readonly server: RunningMockServer;
  readonly token: string;
  /** Calls the Web API with the handle's token; `path` is below `/api/data/v9.2/` unless absolute. */
  readonly api: (
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string>; token?: string | null },
  ) => Promise<ApiResult>;
  /** Calls an absolute path on the mock's origin (admin, token endpoints) without a token. */
  readonly raw: (
    method: string,
    path: string,
    options?: { body?: string; headers?: Record<string, string> },
  ) => Promise<ApiResult>;
  readonly getToken: (clientId?: string, secret?: string) => Promise<string>;
  readonly seed: (counts: Record<string, number>, seed?: number) => Promise<void>;
  readonly reset: () => Promise<void>;
}

async function toResult(res: Awaited<ReturnType<typeof request>>): Promise<ApiResult> {
  const text = await res.body.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

export async function connectMock(server: RunningMockServer): Promise<MockHandle> {
  const raw: MockHandle['raw'] = async (method, path, options = {}) =>
    toResult(
      await request(`${server.url}${path}`, {
        method: method as 'GET',
        ...(options.body === undefined ? {} : { body: options.body }),
        ...(options.headers === undefined ? {} : { headers: options.headers }),
      }),
    );
  const getToken: MockHandle['getToken'] = async (clientId = 'test-app', secret = 'test-secret') => {
    const res = await raw('POST', '/test-tenant/oauth2/v2.0/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret,
        scope: `${server.url}/.default`,
      }).toString(),
    });
    if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.text}`);
    return (res.json as { access_token: string }).access_token;
  };
  const token = await getToken();
  return {
    server,
    token,
    raw,
    getToken,
    api: async (method, path, options = {}) => {
      const headers: Record<string, string> = {
        accept: 'application/json',
        'odata-version': '4.0',
        'odata-maxversion': '4.0',
      };
      const bearer = options.token === undefined ? token : options.token;
      if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
        headers['content-type'] = 'application/json';
      }
      Object.assign(headers, options.headers);
      const url = path.startsWith('http') ? path : `${server.apiUrl}${path}`;
      return toResult(
        await request(url, { method: method as 'GET', headers, ...(body === undefined ? {} : { body }) }),
      );
    },
    seed: async (counts, seed = 1) => {
      const res = await raw('POST', '/_mock/seed', {
        body: JSON.stringify({ seed, counts }),
        headers: { 'content-type': 'application/json' },
      });
      if (res.status !== 200) throw new Error(`seed failed: ${res.text}`);
    },
    reset: async () => {
      await raw('POST', '/_mock/reset');
    },
  };
}

/** A mock server for one test: started, connected, and closed whatever the test does. */
export async function withMock<T>(options: StartMockServerOptions, fn: (mock: MockHandle) => Promise<T>): Promise<T> {
  const server = await startMockServer({ port: 0, ...options });
  try {
    return await fn(await connectMock(server));
  } finally {
    await server.close();
  }
}

/**
 * Starts a mock on a free loopback port for the enclosing `describe`, and closes it after.
 * The returned object is filled in by `beforeAll`, so read it inside tests only.
 */
export function useMockServer(options: StartMockServerOptions = {}): MockHandle {
  const handle = {} as { current?: MockHandle };
  let server: RunningMockServer | undefined;
  beforeAll(async () => {
    server = await startMockServer({ port: 0, ...options });
    handle.current = await connectMock(server);
  });
  afterAll(async () => {
    await server?.close();
  });
  return new Proxy({} as MockHandle, {
    get(_target, prop: keyof MockHandle) {
      const current = handle.current;
      if (current === undefined) throw new Error('useMockServer: the server starts in beforeAll; use it inside a test');
      return current[prop];
    },
  });
}

/** The id at the end of an `OData-EntityId` header. */
export function entityIdOf(result: ApiResult): string {
  const header = String(result.headers['odata-entityid'] ?? '');
  const m = /\(([0-9a-f-]{36})\)$/.exec(header);
  if (m?.[1] === undefined) throw new Error(`no entity id in OData-EntityId '${header}'`);
  return m[1];
}

/** Creates a record over the Web API (as `token`'s user, default the handle's) and returns its id; anything but 204 fails the test. */
export async function createRecord(
  mock: MockHandle,
  set: string,
  body: Record<string, unknown>,
  token?: string,
): Promise<string> {
  const res = await mock.api('POST', set, { body, ...(token === undefined ? {} : { token }) });
  if (res.status !== 204) throw new Error(`POST ${set}: ${res.status} ${res.text}`);
  return entityIdOf(res);
}
