import { BatchFormatError } from './BatchFormatError.js';
import { parseHeaderLines, splitAtBlankLine } from './multipart.js';

const CRLF = '\r\n';

export interface HttpRequestMessage {
  readonly method: string;
  readonly url: string;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface HttpResponseMessage {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

function splitMessage(text: string): [string, string, string] {
  const lineEnd = /\r?\n/.exec(text);
  if (lineEnd === null) return [text, '', ''];
  const [head, body] = splitAtBlankLine(text.slice(lineEnd.index + lineEnd[0].length));
  return [text.slice(0, lineEnd.index), head, body];
}

/** `METHOD URL HTTP/1.1`, headers, a blank line, the body. */
export function parseHttpRequest(text: string, where: string): HttpRequestMessage {
  const [line, headerText, body] = splitMessage(text);
  const m = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(line);
  if (m === null)
    throw new BatchFormatError(`${where}: '${line.slice(0, 80)}' is not a request line (METHOD URL HTTP/1.1)`);
  return { method: m[1] ?? '', url: m[2] ?? '', headers: parseHeaderLines(headerText, where), body };
}

export function parseHttpResponse(text: string, where: string): HttpResponseMessage {
  const [line, headerText, body] = splitMessage(text);
  const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(line);
  if (m === null)
    throw new BatchFormatError(`${where}: '${line.slice(0, 80)}' is not a status line (HTTP/1.1 STATUS Reason)`);
  return { status: Number(m[1]), statusText: m[2] ?? '', headers: parseHeaderLines(headerText, where), body };
}

function headerLines(headers: Readonly<Record<string, string>>): string {
  // A loop, not entries/map/join: a $batch of 1,000 parts writes this 1,000 times.
  let out = '';
  for (const name in headers) out += `${name}: ${headers[name] ?? ''}${CRLF}`;
  return out;
}

export function serializeHttpRequest(message: HttpRequestMessage): string {
  return `${message.method} ${message.url} HTTP/1.1${CRLF}${headerLines(message.headers)}${CRLF}${message.body}`;
}

export function serializeHttpResponse(message: HttpResponseMessage): string {
  return `HTTP/1.1 ${message.status} ${message.statusText}${CRLF}${headerLines(message.headers)}${CRLF}${message.body}`;
}
