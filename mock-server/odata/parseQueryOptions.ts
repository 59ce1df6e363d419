import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { ExpandItem, OrderByItem, QueryOptions } from './QueryOptions.js';
import { parseFilter } from './parseFilter.js';

const SUPPORTED = new Set(['$select', '$filter', '$orderby', '$top', '$count', '$expand', '$skiptoken', '$deltatoken']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/;
const MAX_EXPANDS = 15;

/** Splits at `separator` outside parentheses and quoted strings, each part trimmed. */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    else if (!quoted && depth === 0 && ch === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

function parseSelect(text: string): string[] {
  const names = text.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) {
      throw dataverseErrors.querySyntax(`Syntax error: '${n}' in $select is not a property name ('${text}').`);
    }
  }
  return names;
}

function parseOrderBy(text: string): OrderByItem[] {
  return text.split(',').map((part) => {
    const words = part.trim().split(/\s+/);
    const [name = '', direction, extra] = words;
    if (
      !NAME.test(name) ||
      extra !== undefined ||
      (direction !== undefined && direction !== 'asc' && direction !== 'desc')
    ) {
      throw dataverseErrors.querySyntax(`Syntax error at position ${text.indexOf(part)} in '${text}'.`);
    }
    return { path: name.split('/'), descending: direction === 'desc' };
  });
}

/**
 * The options inside `nav(...)`: `$select` and `$expand` for any navigation property; `$filter`,
 * `$orderby`, `$top` for collections.
 */
function parseExpandOptions(
  navigationProperty: string,
  text: string,
  count: { items: number },
): Omit<ExpandItem, 'navigationProperty'> {
  let item: Omit<ExpandItem, 'navigationProperty'> = { select: undefined };
  for (const option of splitTopLevel(text, ';')) {
    const eq = option.indexOf('=');
    const name = eq < 0 ? option : option.slice(0, eq);
    const value = option.slice(eq + 1);
    if (name === '$select') item = { ...item, select: parseSelect(value) };
    else if (name === '$filter') item = { ...item, filter: parseFilter(value) };
    else if (name === '$orderby') item = { ...item, orderBy: parseOrderBy(value) };
    else if (name === '$top') item = { ...item, top: parseTop(value) };
    else if (name === '$expand') item = { ...item, expand: expandItems(value, count) };
    else
      throw dataverseErrors.querySyntax(
        `The query option '${name}' is not supported inside $expand of '${navigationProperty}' by the dvbench ` +
          `mock ($select, $filter, $orderby, $top, $expand are).`,
      );
  }
  return item;
}

/** The items of one `$expand` level; `count` totals them over every level, so nesting stops at the limit too. */
function expandItems(text: string, count: { items: number }): ExpandItem[] {
  return splitTopLevel(text, ',').map((part): ExpandItem => {
    if (++count.items > MAX_EXPANDS)
      throw dataverseErrors.querySyntax(`The number of $expand options exceeds the limit of ${MAX_EXPANDS}.`);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?$/s.exec(part);
    if (m === null) throw dataverseErrors.querySyntax(`Syntax error in $expand at '${part}' ('${text}').`);
    const navigationProperty = m[1] ?? '';
    return {
      navigationProperty,
      ...(m[2] === undefined ? { select: undefined } : parseExpandOptions(navigationProperty, m[2], count)),
    };
  });
}

function parseExpand(text: string): ExpandItem[] {
  return expandItems(text, { items: 0 });
}

/**
 * For a query that takes the whole query string (FetchXML, `$apply`): any `$` option other than
 * those `allowed` is a 400 naming it and what it met.
 */
export function refuseOtherOptions(params: URLSearchParams, allowed: readonly string[], what: string): void {
  for (const name of params.keys())
    if (name.startsWith('$') && !allowed.includes(name))
      throw dataverseErrors.querySyntax(`The query option '${name}' cannot be combined with ${what}.`);
}

/** `@name=value` parameters, which `$filter` and `$orderby` may name instead of a literal. */
function parameterAliases(query: string): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(query)) if (name.startsWith('@')) aliases.set(name.slice(1), value);
  return aliases;
}

/** The expression with each `@alias` outside a string literal replaced by its value; an alias without one is a 400. */
export function withAliases(
  text: string | undefined,
  aliases: ReadonlyMap<string, string> | undefined,
): string | undefined {
  if (text === undefined || !text.includes('@')) return text;
  let out = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch === "'") quoted = !quoted;
    const name = !quoted && ch === '@' ? /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))?.[0] : undefined;
    if (name === undefined) {
      out += ch;
      continue;
    }
    const value = aliases?.get(name);
    if (value === undefined)
      throw dataverseErrors.querySyntax(
        `The parameter alias '@${name}' at position ${i} in '${text}' has no value: add @${name}=<value> to the query.`,
      );
    out += value;
    i += name.length;
  }
  return out;
}

/** The `$` options, each at most once; an unsupported one is refused as Dataverse refuses it. */
function systemOptions(query: string): Map<string, string> {
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(query);
  } catch {
    throw dataverseErrors.querySyntax('The query string is not valid.');
  }
  const seen = new Map<string, string>();
  for (const [name, value] of params) {
    if (!name.startsWith('$')) continue;
    if (!SUPPORTED.has(name)) throw dataverseErrors.unsupportedQueryOption(name);
    if (seen.has(name)) {
      throw dataverseErrors.querySyntax(
        `Query option '${name}' was specified more than once, but it must be specified at most once.`,
      );
    }
    seen.set(name, value);
  }
  return seen;
}

function parseTop(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw dataverseErrors.querySyntax(`Invalid value '${text}' for $top query option found.`);
  return Number(text);
}

function parseCount(text: string | undefined): boolean {
  if (text !== undefined && text !== 'true' && text !== 'false') {
    throw dataverseErrors.querySyntax(`'${text}' is not a valid count option.`);
  }
  return text === 'true';
}

/** Parses an option when it is present. */
function optional<T>(text: string | undefined, parse: (text: string) => T, absent: T): T {
  return text === undefined ? absent : parse(text);
}

/**
 * Parses the system query options Dataverse supports. `$skip`, `$search`, `$format` and any
 * other `$` option are rejected as Dataverse rejects them; parameters without `$` are ignored.
 */
export function parseQueryOptions(query: string): QueryOptions {
  const seen = systemOptions(query);
  const aliases = query.includes('@') ? parameterAliases(query) : undefined;
  const filterText = withAliases(seen.get('$filter'), aliases);
  const orderByText = withAliases(seen.get('$orderby'), aliases);
  return {
    select: optional(seen.get('$select'), parseSelect, undefined),
    filter: optional(filterText, parseFilter, undefined),
    filterText,
    orderBy: optional(orderByText, parseOrderBy, []),
    orderByText: orderByText ?? '',
    top: parseTop(seen.get('$top')),
    count: parseCount(seen.get('$count')),
    expand: optional(seen.get('$expand'), parseExpand, []),
    skipToken: seen.get('$skiptoken'),
    deltaToken: seen.get('$deltatoken'),
  };
}
