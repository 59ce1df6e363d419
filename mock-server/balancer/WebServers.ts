import { createHash } from 'node:crypto';

/** Dataverse's affinity cookie: the load balancer's (ARR) pin of a client to one web server. */
const AFFINITY_COOKIE = 'ARRAffinity';

/** Which web server serves a request, and the cookie to set when the client has none (or a stale one). */
export interface WebServerPick {
  readonly server: number;
  readonly setCookie: string | undefined;
}

export interface WebServerStats {
  /** Requests each web server answered, in server order. */
  readonly requests: number[];
  /** 429s each web server answered: the limits are counted per user and per web server. */
  readonly throttled: number[];
}

function cookieValue(cookieHeader: string | undefined): string | undefined {
  if (cookieHeader === undefined) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === AFFINITY_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The org's web servers behind its load balancer. A request carrying a known affinity cookie
 * goes to that server; one without goes to the next server in turn and is told its cookie, as
 * Dataverse's `Set-Cookie: ARRAffinity=…` does. A client that keeps the cookie (browsers, the
 * SDK's default) stays on one server and meets that server's limits; one that drops it
 * spreads over all of them, which is why Microsoft advises dropping it for throughput.
 */
export class WebServers {
  readonly #ids: string[];
  readonly #byId = new Map<string, number>();
  #next = 0;
  #requests: number[];
  #throttled: number[];

  constructor(count: number, organizationId: string) {
    // Stable per org and server, opaque like the real value (a hash of the instance).
    this.#ids = Array.from({ length: count }, (_, i) =>
      createHash('sha256').update(`${organizationId}/${i}`).digest('hex'),
    );
    this.#ids.forEach((id, i) => this.#byId.set(id, i));
    this.#requests = new Array<number>(count).fill(0);
    this.#throttled = new Array<number>(count).fill(0);
  }

  get count(): number {
    return this.#ids.length;
  }

  pick(cookieHeader: string | string[] | undefined): WebServerPick {
    const value = cookieValue(Array.isArray(cookieHeader) ? cookieHeader.join('; ') : cookieHeader);
    const pinned = value === undefined ? undefined : this.#byId.get(value);
    if (pinned !== undefined) return { server: pinned, setCookie: undefined };
    const server = this.#next;
    this.#next = (this.#next + 1) % this.#ids.length;
    return { server, setCookie: `${AFFINITY_COOKIE}=${this.#ids[server] ?? ''}; path=/; secure; HttpOnly` };
  }

  record(server: number, status: number): void {
    this.#requests[server] = (this.#requests[server] ?? 0) + 1;
    if (status === 429) this.#throttled[server] = (this.#throttled[server] ?? 0) + 1;
  }

  stats(): WebServerStats {
    return { requests: [...this.#requests], throttled: [...this.#throttled] };
  }

  reset(): void {
    this.#requests = new Array<number>(this.#ids.length).fill(0);
    this.#throttled = new Array<number>(this.#ids.length).fill(0);
  }
}
