import type { WaitLedger } from '../latency/Delays.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BodyBudget } from '../http/readRequestBody.js';
import type { MockContext } from '../MockContext.js';
import type { ApiRoutes } from '../routes/routeTable.js';
import type { Resource } from '../routes/parseResourcePath.js';

/** What every request of one server shares: built once by `buildMockServer`. */
export interface PipelineEnv {
  readonly context: MockContext;
  readonly routes: ApiRoutes;
  readonly bodies: BodyBudget;
  readonly authEnabled: boolean;
  /** The user requests run as when auth is off. */
  readonly anonymousUser: string;
}

/** One Web API request on its way through the stages; later stages read what earlier ones found. */
export interface ApiExchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  readonly method: string;
  readonly host: string;
  /** Absolute Web API root as the client addressed it, ending in `/api/data/v9.x/`. */
  readonly baseUrl: string;
  /** The path below the Web API root, still percent-encoded. */
  readonly path: string;
  readonly query: string;
  /** The web server the load balancer chose (see `WebServers`). */
  server: number;
  /** The affinity cookie to set on the answer, when the request came without a known one. */
  setCookie: string | undefined;
  /** Its waits on the org's behalf, for a time-compressed mock's account of them (see `Delays`). */
  readonly waits: WaitLedger;
  userId?: string;
  resource?: Resource;
}
