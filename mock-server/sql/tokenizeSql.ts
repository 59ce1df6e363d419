import { dataverseErrors } from '../errors/dataverseErrors.js';

export type SqlToken =
  | { readonly kind: 'word'; readonly text: string; readonly upper: string; readonly position: number }
  | { readonly kind: 'string'; readonly text: string; readonly position: number }
  | { readonly kind: 'number'; readonly text: string; readonly position: number }
  | { readonly kind: 'symbol'; readonly text: string; readonly position: number };

const SYMBOLS = ['<>', '!=', '<=', '>=', '=', '<', '>', '(', ')', ',', '.', '*', ';', '+', '-', '/', '@'];

/** A 400 that names the `sql` option and what in it the mock does not take. */
export function sqlError(message: string): Error {
  return dataverseErrors.querySyntax(`The query option 'sql': ${message}`);
}

/** A 'string' from its opening quote: its text ('' is a quote) and where it ends. */
function readString(text: string, start: number): { value: string; end: number } {
  let value = '';
  let j = start + 1;
  for (;;) {
    if (j >= text.length) throw sqlError(`the string at position ${start} is not closed.`);
    if (text[j] === "'" && text[j + 1] === "'") {
      value += "'";
      j += 2;
    } else if (text[j] === "'") return { value, end: j + 1 };
    else value += text.charAt(j++);
  }
}

/** The next token at `i` (not white space): what it is and where the one after starts. */
function readToken(text: string, i: number): { token: SqlToken; end: number } {
  const c = text.charAt(i);
  if (text.startsWith('--', i) || text.startsWith('/*', i)) throw sqlError('comments are not supported.');
  if (c === "'") {
    const { value, end } = readString(text, i);
    return { token: { kind: 'string', text: value, position: i }, end };
  }
  if (c === '[') {
    const end = text.indexOf(']', i);
    if (end < 0) throw sqlError(`the name at position ${i} is not closed with ']'.`);
    // A bracketed name is never a keyword.
    return { token: { kind: 'word', text: text.slice(i + 1, end), upper: '', position: i }, end: end + 1 };
  }
  const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))?.[0];
  if (word !== undefined)
    return { token: { kind: 'word', text: word, upper: word.toUpperCase(), position: i }, end: i + word.length };
  const n = /^[0-9]+(\.[0-9]+)?/.exec(text.slice(i))?.[0];
  if (n !== undefined) return { token: { kind: 'number', text: n, position: i }, end: i + n.length };
  const symbol = SYMBOLS.find((s) => text.startsWith(s, i));
  if (symbol === undefined) throw sqlError(`'${c}' at position ${i} is not supported.`);
  return { token: { kind: 'symbol', text: symbol, position: i }, end: i + symbol.length };
}

/** T-SQL's lexical pieces the supported subset uses: words (plain or [bracketed]), 'strings', numbers, symbols. */
export function tokenizeSql(text: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text.charAt(i))) {
      i++;
      continue;
    }
    const { token, end } = readToken(text, i);
    tokens.push(token);
    i = end;
  }
  return tokens;
}
