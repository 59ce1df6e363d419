import { pathToFileURL } from 'node:url';
import type { Dispatcher } from 'undici';
import { redact } from '../client/auth/redact.js';
import type { CallResult } from '../client/CallResult.js';
import type { DataverseClient } from '../client/DataverseClient.js';
import { CANCELLED, thrownFailure } from '../metrics/failureCause.js';
import type { OperationOutcome, RequestSample } from '../metrics/OperationOutcome.js';
import { describeOperation, type PlannedOperation } from '../operations/PlannedOperation.js';
import { outcomeOf, sampleOf } from './operationOutcome.js';
import { withScriptExitGuard } from './scriptExitGuard.js';

type ScriptOp = Extract<PlannedOperation, { kind: 'script' }>;

/** What a request sent through `ctx.request` answers. */
export interface ScriptResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  json(): unknown;
}

/** What the user's function gets, once per operation (the README, "Use it from your code"). */
export interface ScriptContext {
  /** The Web API root, e.g. `https://contoso.crm.dynamics.com/api/data/v9.2/`. */
  readonly url: string;
  /** A bearer token for the target (refreshed as needed); undefined when it needs none. */
  token(): Promise<string | undefined>;
  /**
   * Sends a request through dvbench's client: token, shared Retry-After gate, retries, and
   * every request measured and counted (429s, retries) in the results. `path` is relative to
   * `url`; a body is sent as JSON.
   */
  request(
    method: Dispatcher.HttpMethod,
    path: string,
    body?: unknown,
    headers?: Readonly<Record<string, string>>,
  ): Promise<ScriptResponse>;
  /** The operation's number within its workload, from 0. */
  readonly index: number;
  /** Which worker runs it: the pool slot for async, the thread or process number for threads and processes. */
  readonly worker: number;
  /** The same for every operation of this run (`dvb-<run id>`): put it in what you create, to find it again. */
  readonly tag: string;
}

type ScriptFunction = (ctx: ScriptContext) => Promise<unknown>;

/** Set by the runner for the run (and inherited by worker threads and processes through the environment). */
export const RUN_TAG_VARIABLE = 'DVBENCH_RUN_TAG';

const loaded = new Map<string, Promise<ScriptFunction>>();

/** The module's default export, imported once per process and checked. */
function loadScript(path: string): Promise<ScriptFunction> {
  let fn = loaded.get(path);
  if (fn === undefined) {
    fn = import(pathToFileURL(path).href).then((m: { default?: unknown }) => {
      if (typeof m.default !== 'function')
        throw new Error(`${path}: its default export must be a function (async (ctx) => …), got ${typeof m.default}`);
      return m.default as ScriptFunction;
    });
    loaded.set(path, fn);
  }
  return fn;
}

/** A client answer as the user's code sees it. */
export function scriptResponse(result: Pick<CallResult, 'status' | 'headers' | 'text'>): ScriptResponse {
  const { status, headers, text } = result;
  return { status, headers, text, json: (): unknown => (text === '' ? undefined : (JSON.parse(text) as unknown)) };
}

/**
 * Runs the user's function for one operation. Requests it sends through `ctx.request` are
 * measured one by one; if it sent none (its own client, e.g. DynamicsWebApi), the function's
 * duration counts as the operation's one request. It succeeds when the function resolves;
 * a throw is a failure whose cause is the error's message.
 */
export async function runScript(
  client: DataverseClient,
  op: ScriptOp,
  pin: { identity?: number; worker: number },
): Promise<OperationOutcome> {
  const requests: RequestSample[] = [];
  const ctx: ScriptContext = {
    url: client.apiUrl,
    token: () => client.token(pin.identity),
    async request(method, path, body, headers) {
      const result = await client.send(method, path, body === undefined ? undefined : JSON.stringify(body), {
        ...(pin.identity === undefined ? {} : { identity: pin.identity }),
        ...(headers === undefined ? {} : { headers }),
      });
      requests.push(sampleOf(result, 'single', [op.workload]));
      return scriptResponse(result);
    },
    index: op.index,
    worker: pin.worker,
    tag: process.env[RUN_TAG_VARIABLE] ?? 'dvb-run',
  };
  const started = performance.now();
  try {
    const fn = await loadScript(op.module);
    await withScriptExitGuard(() => fn(ctx));
  } catch (error) {
    const failure = thrownFailure(describeOperation(op), error);
    const cause = {
      ...failure,
      kind: failure.code === CANCELLED ? failure.kind : 'script threw',
      message: redact(failure.message),
    };
    return outcomeOf(op, 'single', cause, requests);
  }
  const ms = performance.now() - started;
  if (requests.length === 0)
    requests.push({ serviceMs: ms, responseMs: ms, throttled: 0, kind: 'single', workloads: [op.workload] });
  return outcomeOf(op, 'single', undefined, requests);
}
