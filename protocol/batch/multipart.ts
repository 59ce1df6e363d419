import { BatchFormatError } from './BatchFormatError.js';

const CRLF = '\r\n';
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=?]{1,70}$/;

export interface MultipartPart {
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Reads `boundary` from a `multipart/mixed; boundary=…` content type, or undefined if it is not one. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined || !/^\s*multipart\/mixed\s*(;|$)/i.test(contentType)) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  return boundary !== undefined && BOUNDARY.test(boundary) ? boundary : undefined;
}

/** Splits `Name: value` lines (CRLF- or LF-separated) into a lower-cased header map. */
export function parseHeaderLines(text: string, where: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (text === '') return headers;
  // Line by line with indexOf, not split on a pattern: a $batch of 1,000 parts reads 2,000 heads.
  for (let start = 0; start <= text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    start = end + 1;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new BatchFormatError(`${where}: '${line.slice(0, 60)}' is not a header line (Name: value)`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** The head and body of an entity: headers, then a blank line, then the body (none: all head). */
export function splitAtBlankLine(text: string): [head: string, body: string] {
  const first = /^\r?\n/.exec(text);
  if (first !== null) return ['', text.slice(first[0].length)];
  const blank = /\r?\n\r?\n/.exec(text);
  if (blank === null) return [text.replace(/\r?\n$/, ''), ''];
  return [text.slice(0, blank.index), text.slice(blank.index + blank[0].length)];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Splits a multipart/mixed body into parts (RFC 2046): delimiters are `--boundary` at the start
 * of a line, the last one `--boundary--`; preamble and epilogue are ignored. Lines may end in
 * CRLF or LF: Microsoft.OData.Core, which Dataverse's Web API runs on, reads either, and
 * published clients send both.
 */
export function parseMultipart(body: string, boundary: string, where = 'batch'): MultipartPart[] {
  const delimiter = `--${boundary}`;
  const lines = new RegExp(`^${escapeRegExp(delimiter)}(--)?[ \\t]*(?:\\r?\\n|(?![\\s\\S]))`, 'gm');
  const parts: MultipartPart[] = [];
  let open: number | undefined;
  for (const m of body.matchAll(lines)) {
    if (open !== undefined) {
      // The line break before a delimiter belongs to the delimiter, not to the part.
      const content = body.slice(open, m.index).replace(/\r?\n$/, '');
      const [head, partBody] = splitAtBlankLine(content);
      parts.push({ headers: parseHeaderLines(head, `${where} part ${parts.length + 1}`), body: partBody });
    }
    if (m[1] === '--') return parts;
    open = m.index + m[0].length;
  }
  if (open === undefined) throw new BatchFormatError(`${where}: no '${delimiter}' delimiter found`);
  throw new BatchFormatError(`${where}: the closing delimiter '${delimiter}--' is missing`);
}

/** Writes parts with CRLF line endings and the closing delimiter. */
export function serializeMultipart(parts: readonly MultipartPart[], boundary: string): string {
  let out = '';
  for (const part of parts) {
    out += `--${boundary}${CRLF}`;
    for (const [name, value] of Object.entries(part.headers)) out += `${name}: ${value}${CRLF}`;
    out += `${CRLF}${part.body}${CRLF}`;
  }
  return `${out}--${boundary}--${CRLF}`;
}
