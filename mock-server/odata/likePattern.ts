/**
 * Dataverse evaluates contains/startswith/endswith as SQL LIKE, honouring the wildcards
 * `%`, `_`, `[...]` and `[^...]` inside the value, case-insensitively.
 */
export function likePattern(value: string, anchorStart: boolean, anchorEnd: boolean): RegExp {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value.charAt(i);
    if (ch === '%') out += '[\\s\\S]*';
    else if (ch === '_') out += '[\\s\\S]';
    else if (ch === '[') {
      const close = value.indexOf(']', i + 1);
      if (close > i + 1) {
        let body = value.slice(i + 1, close);
        const negate = body.startsWith('^');
        if (negate) body = body.slice(1);
        out += `[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
        i = close;
      } else {
        out += '\\[';
      }
    } else out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`${anchorStart ? '^' : ''}${out}${anchorEnd ? '$' : ''}`, 'i');
}
