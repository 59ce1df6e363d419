/**
 * What a time-compressed mock and its client agree on beyond Dataverse's own protocol. A mock at
 * `timeScale` N divides every wait it makes on the org's behalf (queueing, service, round trip)
 * by N, and says on each Web API answer how long it held the request in real ms and what that
 * was in the org's: `x-dvbench-wait-ms: 9.41;100.0`. The client takes the held time out of the
 * response time and puts the org's in, so its own work (and the HTTP stack's) counts once, as
 * on an org. Multiplying the whole response time by N instead would multiply the harness's
 * fixed 0.2–2 ms per request too: a ×10 run would read 5–15% slower than a ×1 one.
 *
 * The mock also gives back, out of each request's first wait, the time the connection spent on
 * the client's side since its last answer, less its N-th part: so a worker's real cycle is its
 * org cycle ÷ N, and queueing at the org's capacity stays what it would be (see `Delays`).
 */
export const WAIT_HEADER = 'x-dvbench-wait-ms';

/**
 * Sent by a client to a time-compressed mock on an attempt that waited before it was sent (a
 * retry after its backoff, or a call held at a Retry-After gate): its connection's idle time
 * was the org's, counted already, not the client's own work, so the mock gives none of it back.
 */
export const WAITED_HEADER = 'x-dvbench-waited';

/** Real and org-time ms of a wait (or of all the waits of a call). */
export interface Waited {
  readonly realMs: number;
  readonly orgMs: number;
}

export const NO_WAIT: Waited = { realMs: 0, orgMs: 0 };

export function formatWaited(w: Waited): string {
  return `${w.realMs.toFixed(3)};${w.orgMs.toFixed(3)}`;
}

/** What an answer's header says; nothing when it has none (an org, or a mock in real time). */
export function waitedOf(headers: Readonly<Record<string, string | string[] | undefined>>): Waited {
  const value = headers[WAIT_HEADER];
  if (typeof value !== 'string') return NO_WAIT;
  const [real, org] = value.split(';').map(Number);
  return real !== undefined && org !== undefined && real >= 0 && org >= 0 ? { realMs: real, orgMs: org } : NO_WAIT;
}

export function addWaited(a: Waited, b: Waited): Waited {
  return { realMs: a.realMs + b.realMs, orgMs: a.orgMs + b.orgMs };
}

/** A real time measured by the client, in the org's: its waits replaced by what they were there. */
export function orgTime(realMs: number, waited: Waited): number {
  return Math.max(0, realMs - waited.realMs) + waited.orgMs;
}
