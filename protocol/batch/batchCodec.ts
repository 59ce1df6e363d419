import { BatchFormatError } from './BatchFormatError.js';
import {
  parseHttpRequest,
  parseHttpResponse,
  serializeHttpRequest,
  serializeHttpResponse,
  type HttpRequestMessage,
  type HttpResponseMessage,
} from './httpMessage.js';
import { boundaryOf, parseMultipart, serializeMultipart, type MultipartPart } from './multipart.js';

/** One entry of a batch: a request on its own, or a changeset of requests (all or nothing). */
export type BatchEntry<T> =
  | { readonly kind: 'request'; readonly message: T; readonly contentId?: string }
  | { readonly kind: 'changeset'; readonly items: readonly { readonly message: T; readonly contentId?: string }[] };

const HTTP_PART_HEADERS = { 'Content-Type': 'application/http', 'Content-Transfer-Encoding': 'binary' };

function httpPart(text: string, contentId: string | undefined): MultipartPart {
  return {
    headers: contentId === undefined ? HTTP_PART_HEADERS : { ...HTTP_PART_HEADERS, 'Content-ID': contentId },
    body: text,
  };
}

function encode<T>(
  entries: readonly BatchEntry<T>[],
  boundary: string,
  changesetBoundary: (i: number) => string,
  write: (m: T) => string,
): string {
  const parts = entries.map((entry, i): MultipartPart => {
    if (entry.kind === 'request') return httpPart(write(entry.message), entry.contentId);
    const inner = changesetBoundary(i);
    return {
      headers: { 'Content-Type': `multipart/mixed; boundary=${inner}` },
      body: serializeMultipart(
        entry.items.map((item) => httpPart(write(item.message), item.contentId)),
        inner,
      ).replace(/\r\n$/, ''),
    };
  });
  return serializeMultipart(parts, boundary);
}

function decode<T>(
  body: string,
  contentType: string | undefined,
  read: (text: string, where: string) => T,
  what: string,
): BatchEntry<T>[] {
  const boundary = boundaryOf(contentType);
  if (boundary === undefined)
    throw new BatchFormatError(
      `the ${what} Content-Type must be multipart/mixed with a boundary, got '${contentType ?? '(none)'}'`,
    );
  return parseMultipart(body, boundary, what).map((part, i): BatchEntry<T> => {
    const where = `${what} part ${i + 1}`;
    const type = part.headers['content-type'] ?? '';
    const inner = boundaryOf(type);
    if (inner !== undefined) {
      const items = parseMultipart(part.body, inner, `${where} (changeset)`).map((sub, j) => {
        const subWhere = `${where} (changeset) item ${j + 1}`;
        if (!/^application\/http\b/i.test(sub.headers['content-type'] ?? '')) {
          throw new BatchFormatError(
            `${subWhere}: Content-Type must be application/http (nested changesets are not allowed)`,
          );
        }
        const contentId = sub.headers['content-id'];
        return contentId === undefined
          ? { message: read(sub.body, subWhere) }
          : { message: read(sub.body, subWhere), contentId };
      });
      return { kind: 'changeset', items };
    }
    if (!/^application\/http\b/i.test(type))
      throw new BatchFormatError(`${where}: Content-Type must be application/http or multipart/mixed, got '${type}'`);
    const contentId = part.headers['content-id'];
    return contentId === undefined
      ? { kind: 'request', message: read(part.body, where) }
      : { kind: 'request', message: read(part.body, where), contentId };
  });
}

/** The client's side: a `$batch` request body. */
export function encodeBatchRequest(entries: readonly BatchEntry<HttpRequestMessage>[], boundary: string): string {
  return encode(entries, boundary, (i) => `changeset_${boundary.replace(/^batch_/, '')}_${i}`, serializeHttpRequest);
}

/** The server's side: reads a `$batch` request body. */
export function decodeBatchRequest(body: string, contentType: string | undefined): BatchEntry<HttpRequestMessage>[] {
  return decode(body, contentType, parseHttpRequest, 'batch');
}

/** The server's side: a `$batch` response body; changesets get their own `changesetresponse_` boundary. */
export function encodeBatchResponse(
  entries: readonly BatchEntry<HttpResponseMessage>[],
  boundary: string,
  changesetBoundary: (i: number) => string,
): string {
  return encode(entries, boundary, changesetBoundary, serializeHttpResponse);
}

/** The client's side: reads a `$batch` response body. */
export function decodeBatchResponse(body: string, contentType: string | undefined): BatchEntry<HttpResponseMessage>[] {
  return decode(body, contentType, parseHttpResponse, 'batch response');
}

export type { HttpRequestMessage, HttpResponseMessage };
