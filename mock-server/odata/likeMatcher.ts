/** One element of a LIKE pattern: `%`, `_`, a `[...]` set, or a literal character (lower-cased). */
type Token =
  | { readonly kind: 'any' }
  | { readonly kind: 'one' }
  | { readonly kind: 'char'; readonly c: string }
  | { readonly kind: 'set'; readonly negate: boolean; readonly test: (c: string) => boolean };

function parseSet(body: string): (c: string) => boolean {
  const singles = new Set<string>();
  const ranges: [string, string][] = [];
  for (let i = 0; i < body.length; i++) {
    const a = body.charAt(i);
    if (body.charAt(i + 1) === '-' && i + 2 < body.length) {
      // A range whose ends are out of order, like [z-a], matches nothing (as SQL Server's does).
      ranges.push([a, body.charAt(i + 2)]);
      i += 2;
    } else singles.add(a);
  }
  return (c) => singles.has(c) || ranges.some(([lo, hi]) => c >= lo && c <= hi);
}

function tokenize(value: string): Token[] {
  const tokens: Token[] = [];
  const lower = value.toLowerCase();
  for (let i = 0; i < lower.length; i++) {
    const ch = lower.charAt(i);
    if (ch === '%') {
      if (tokens.at(-1)?.kind !== 'any') tokens.push({ kind: 'any' });
    } else if (ch === '_') tokens.push({ kind: 'one' });
    else if (ch === '[') {
      const close = lower.indexOf(']', i + 1);
      if (close > i + 1) {
        let body = lower.slice(i + 1, close);
        const negate = body.startsWith('^') && body.length > 1;
        if (negate) body = body.slice(1);
        tokens.push({ kind: 'set', negate, test: parseSet(body) });
        i = close;
      } else tokens.push({ kind: 'char', c: '[' });
    } else tokens.push({ kind: 'char', c: ch });
  }
  return tokens;
}

function matchesOne(token: Token, c: string): boolean {
  switch (token.kind) {
    case 'one':
      return true;
    case 'char':
      return token.c === c;
    case 'set':
      return token.test(c) !== token.negate;
    case 'any':
      return false;
  }
}

/**
 * Dataverse evaluates contains/startswith/endswith as SQL LIKE, honouring the wildcards `%`,
 * `_`, `[...]` and `[^...]` inside the value, case-insensitively. The matcher never
 * backtracks more than to the last `%`: at most pattern × text steps, whatever the input (a
 * regular expression built from the pattern could take exponential time and freeze the mock).
 */
export function likeMatcher(value: string, anchorStart: boolean, anchorEnd: boolean): (text: string) => boolean {
  const tokens = tokenize(value);
  if (!anchorStart && tokens[0]?.kind !== 'any') tokens.unshift({ kind: 'any' });
  if (!anchorEnd && tokens.at(-1)?.kind !== 'any') tokens.push({ kind: 'any' });
  return (raw) => {
    const text = raw.toLowerCase();
    let t = 0;
    let p = 0;
    let star = -1;
    let mark = 0;
    while (t < text.length) {
      const token = tokens[p];
      if (token !== undefined && token.kind !== 'any' && matchesOne(token, text.charAt(t))) {
        t++;
        p++;
      } else if (token?.kind === 'any') {
        star = p++;
        mark = t;
      } else if (star >= 0) {
        p = star + 1;
        t = ++mark;
      } else return false;
    }
    while (tokens[p]?.kind === 'any') p++;
    return p === tokens.length;
  };
}
