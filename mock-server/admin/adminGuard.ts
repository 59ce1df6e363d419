import type { IncomingHttpHeaders } from 'node:http';
import { adminErrors, type AdminResponse } from './adminErrors.js';

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)(:\d+)?$/i;

/** A loopback name or address (`localhost`, `127.x.y.z`, `::1`, `[::1]`), with or without a port. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOST.test(host);
}

/**
 * The admin API can wipe and reseed the mock without a token, so it answers only the harness:
 * a loopback Host (no DNS rebinding), no foreign Origin (no cross-site page), and a JSON body
 * when there is one (no form or text/plain "simple request" a browser sends without asking).
 */
export function adminGuard(
  method: string,
  headers: IncomingHttpHeaders,
  body: string,
  loopbackOnly: boolean,
): AdminResponse | undefined {
  if (loopbackOnly) {
    const host = headers.host ?? '';
    if (!isLoopbackHost(host))
      return adminErrors.DVB_MOCK_FORBIDDEN(
        `admin requests must address the mock by a loopback name (127.0.0.1, localhost, [::1]), not '${host}'`,
      );
    const origin = headers.origin;
    // `Origin: null` is an opaque origin (a sandboxed frame, a file:// page): a page, not the harness.
    if (origin === 'null')
      return adminErrors.DVB_MOCK_FORBIDDEN('admin requests from an opaque origin (Origin: null) are refused');
    if (origin !== undefined) {
      let originHost = '';
      try {
        originHost = new URL(origin).host;
      } catch {
        originHost = origin;
      }
      if (!isLoopbackHost(originHost))
        return adminErrors.DVB_MOCK_FORBIDDEN(`admin requests from another site (Origin ${origin}) are refused`);
    }
  }
  if (method === 'POST' && body !== '') {
    const type = headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(type.trim()))
      return adminErrors.DVB_MOCK_CONTENT_TYPE(
        `an admin request body must be JSON (Content-Type: application/json), not '${type === '' ? '(none)' : type}'`,
      );
  }
  return undefined;
}
