import { dataverseErrors } from '../errors/dataverseErrors.js';

type TokenKind =
  | 'identifier'
  | 'string'
  | 'number'
  | 'guid'
  | 'datetime'
  | 'date'
  | 'open'
  | 'close'
  | 'comma'
  | 'equals'
  | 'openBracket'
  | 'closeBracket'
  | 'colon'
  | 'end';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly position: number;
  /** For string tokens: the unescaped value. */
  readonly value?: string;
}

const GUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])/y;
const DATETIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})(?![\w:.])/y;
const DATE = /\d{4}-\d{2}-\d{2}(?![\w:.-])/y;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[mMdDfFlL]?(?![\w.])/y;
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*(?:\/[A-Za-z_][A-Za-z0-9_]*)*/y;

const PATTERNS = [
  ['guid', GUID],
  ['datetime', DATETIME],
  ['date', DATE],
  ['number', NUMBER],
  ['identifier', IDENTIFIER],
] as const;

function matchAt(text: string, at: number): [TokenKind, string] | undefined {
  for (const [kind, re] of PATTERNS) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (m !== null) return [kind, m[0]];
  }
  return undefined;
}

/**
 * Splits a `$filter` (or `$orderby`) expression into tokens. Positions are 0-based offsets
 * into the text, as OData's error messages give them.
 */
export function tokenizeFilter(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    const single: Partial<Record<string, TokenKind>> = {
      '(': 'open',
      ')': 'close',
      ',': 'comma',
      '=': 'equals',
      '[': 'openBracket',
      ']': 'closeBracket',
      ':': 'colon',
    };
    const kind = single[ch];
    if (kind !== undefined) {
      tokens.push({ kind, text: ch, position: i });
      i++;
      continue;
    }
    if (ch === "'" || ch === '"') {
      // OData escapes a quote by doubling it; the double-quoted form appears in CRM function arrays.
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= text.length) {
          throw dataverseErrors.querySyntax(
            `There is an unterminated literal at position ${text.length} in '${text}'.`,
          );
        }
        const c = text.charAt(j);
        if (c === ch) {
          if (text.charAt(j + 1) === ch) {
            value += ch;
            j += 2;
            continue;
          }
          break;
        }
        value += c;
        j++;
      }
      tokens.push({ kind: 'string', text: text.slice(i, j + 1), position: i, value });
      i = j + 1;
      continue;
    }
    const matched = matchAt(text, i);
    if (matched !== undefined) {
      tokens.push({ kind: matched[0], text: matched[1], position: i });
      i += matched[1].length;
      continue;
    }
    throw dataverseErrors.querySyntax(`Syntax error: character '${ch}' is not valid at position ${i} in '${text}'.`);
  }
  tokens.push({ kind: 'end', text: '', position: text.length });
  return tokens;
}
