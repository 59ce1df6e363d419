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

/** Splits `Name: value` lines (CRLF-separated) into a lower-cased header map. */
export function parseHeaderLines(text: string, where: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (text === '') return headers;
  for (const line of text.split(CRLF)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new BatchFormatError(`${where}: '${line.slice(0, 60)}' is not a header line (Name: value)`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * Splits a multipart/mixed body into parts (RFC 2046): delimiters are `--boundary` at the start
 * of a line, the last one `--boundary--`; preamble and epilogue are ignored. Line endings must
 * be CRLF, as Dataverse requires.
 */
export function parseMultipart(body: string, boundary: string, where = 'batch'): MultipartPart[] {
  const delimiter = `--${boundary}`;
  const starts: { index: number; close: boolean; contentStart: number }[] = [];
  let from = 0;
  for (;;) {
    const index = body.indexOf(delimiter, from);
    if (index < 0) break;
    from = index + delimiter.length;
    const atLineStart = index === 0 || body.startsWith(CRLF, index - 2);
    if (!atLineStart) {
      if (body.charAt(index - 1) === '\n')
        throw new BatchFormatError(
          `${where}: line endings must be CRLF (\\r\\n); found a bare LF before '${delimiter}'`,
        );
      continue;
    }
    let after = index + delimiter.length;
    const close = body.startsWith('--', after);
    if (close) after += 2;
    while (body.charAt(after) === ' ' || body.charAt(after) === '\t') after++;
    if (after < body.length && !body.startsWith(CRLF, after)) {
      if (body.charAt(after) === '\n')
        throw new BatchFormatError(
          `${where}: line endings must be CRLF (\\r\\n); found a bare LF after '${delimiter}'`,
        );
      continue;
    }
    starts.push({ index, close, contentStart: after + 2 });
    if (close) break;
  }
  if (starts.length === 0) throw new BatchFormatError(`${where}: no '${delimiter}' delimiter found`);
  const last = starts[starts.length - 1];
  if (last?.close !== true) throw new BatchFormatError(`${where}: the closing delimiter '${delimiter}--' is missing`);
  const parts: MultipartPart[] = [];
  for (let i = 0; i < starts.length - 1; i++) {
    const start = starts[i];
    const next = starts[i + 1];
    if (start === undefined || next === undefined) continue;
    // The CRLF before the next delimiter belongs to the delimiter, not to the part.
    const content = body.slice(start.contentStart, Math.max(start.contentStart, next.index - 2));
    const split = content.startsWith(CRLF) ? 0 : content.indexOf(CRLF + CRLF);
    const headerText = split < 0 ? content : content.slice(0, split);
    const partBody = split < 0 ? '' : content.slice(split + (split === 0 ? 2 : 4));
    parts.push({ headers: parseHeaderLines(headerText, `${where} part ${i + 1}`), body: partBody });
  }
  return parts;
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
