import type { ClientCounters } from './ClientCounters.js';
import { headerValue } from './headerValue.js';

/** What the server's headers say about its state, kept from the last answer that said it. */
export interface Hints {
  /** `x-ms-dop-hint`: the recommended degree of parallelism. */
  dopHint: number | undefined;
  burstRemaining: number | undefined;
  timeRemainingSeconds: number | undefined;
}

const AFFINITY = /(?:^|[;,]\s*)ARRAffinity=([^;,\s]+)/;

/**
 * Reads an answer's hints (`x-ms-dop-hint`, the remaining burst and execution time) into
 * `hints`, counts which web server answered (by its `ARRAffinity` cookie), and returns that
 * cookie's value for a client that keeps affinity.
 */
export function observeAnswer(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  hints: Hints,
  counters: ClientCounters,
): string | undefined {
  const dop = Number(headerValue(headers['x-ms-dop-hint']));
  if (Number.isInteger(dop) && dop > 0) hints.dopHint = dop;
  const burst = Number(headerValue(headers['x-ms-ratelimit-burst-remaining-xrm-requests']));
  if (Number.isFinite(burst)) hints.burstRemaining = burst;
  const time = Number(headerValue(headers['x-ms-ratelimit-time-remaining-xrm-requests'])?.replace(/,/g, ''));
  if (Number.isFinite(time)) hints.timeRemainingSeconds = time;
  const setCookie = headers['set-cookie'];
  if (setCookie === undefined) return undefined;
  const value = AFFINITY.exec(Array.isArray(setCookie) ? setCookie.join('; ') : setCookie)?.[1];
  if (value === undefined) return undefined;
  const server = value.slice(0, 8);
  counters.affinity[server] = (counters.affinity[server] ?? 0) + 1;
  return value;
}
