import type { DataverseError } from '../errors/DataverseError.js';
import type { OperationCost } from '../latency/ServiceTimeSampler.js';
import { includesAnnotation } from '../odata/parsePrefer.js';

/** One Web API request as handlers see it, whether it came alone or as a `$batch` part. */
export interface ApiRequest {
  readonly method: string;
  /** The path below the Web API root, still percent-encoded, e.g. `accounts(accountnumber='A-1')`. */
  readonly path: string;
  /** The raw query string without `?`. */
  readonly query: string;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
  /** Absolute Web API root as the client addressed it, ending in `/api/data/v9.2/`. */
  readonly baseUrl: string;
  /** The user behind the bearer token (or the default user when auth is off). */
  readonly userId: string;
  /** Resolves `$n` Content-ID references inside a changeset; absent outside one. */
  readonly contentIdUrl?: (ref: string) => string | undefined;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Already serialized; empty for 204. */
  readonly body: string;
  /** The server work this response took, for the latency model; default: one operation of the request's kind. */
  readonly cost?: readonly OperationCost[];
}

const JSON_CONTENT_TYPE = 'application/json; odata.metadata=minimal';

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): ApiResponse {
  return jsonTextResponse(status, JSON.stringify(value), headers);
}

/** A JSON answer whose body is serialized already. */
export function jsonTextResponse(status: number, body: string, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { 'Content-Type': JSON_CONTENT_TYPE, ...headers }, body };
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers, body: '' };
}

const CDS = 'Microsoft.PowerApps.CDS';

/**
 * The error-detail annotations Dataverse adds inside `error` when the request's
 * `Prefer: odata.include-annotations` covers them. The help link is built from the code as
 * Dataverse builds it; operation status, sub-error code and trace text carry the values of
 * Learn's documented example, since the mock runs no plug-in to report its own.
 */
function errorDetails(error: DataverseError, includeAnnotations: string | undefined): Record<string, string> {
  if (includeAnnotations === undefined) return {};
  const details: Record<string, string> = {
    [`${CDS}.ErrorDetails.OperationStatus`]: '0',
    [`${CDS}.ErrorDetails.SubErrorCode`]: '-2146233088',
    [`${CDS}.HelpLink`]:
      `http://go.microsoft.com/fwlink/?LinkID=398563&error=Microsoft.Crm.CrmException%3a` +
      `${error.code.replace(/^0x/i, '')}&client=platform`,
    [`${CDS}.TraceText`]: '',
    [`${CDS}.InnerError.Message`]: error.message,
  };
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(details))
    if (includesAnnotation(includeAnnotations, name)) out[`@${name}`] = value;
  return out;
}

/**
 * A thrown `DataverseError` as the answer, in Dataverse's envelope; with `includeAnnotations`
 * (the request's `Prefer: odata.include-annotations`), the error-detail annotations it covers.
 */
export function errorResponse(
  error: DataverseError,
  headers: Record<string, string> = {},
  includeAnnotations?: string,
): ApiResponse {
  const body = error.toBody();
  return {
    status: error.status,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, ...headers, ...error.headers },
    body: JSON.stringify(
      includeAnnotations === undefined
        ? body
        : { error: { ...body.error, ...errorDetails(error, includeAnnotations) } },
    ),
  };
}
