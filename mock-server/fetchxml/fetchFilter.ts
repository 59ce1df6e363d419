import { dataverseErrors } from '../errors/dataverseErrors.js';
import { ownValue } from '../../util/ownValue.js';
import type { ColumnDefinition } from '../metadata/TableDefinition.js';
import { NULL_LITERAL, type FilterNode, type Literal, type PropertyPath } from '../odata/FilterAst.js';
import { GUID } from '../odata/guid.js';
import { invalid, unsupported } from './fetchXmlErrors.js';
import { columnOf, propertyIn, type FetchScope } from './FetchScope.js';
import type { XmlElement } from './readXmlElement.js';

/** Relative date operators, as the query functions the OData filter already evaluates. */
const DATE_OPERATORS: Readonly<Record<string, string>> = {
  today: 'Today',
  yesterday: 'Yesterday',
  tomorrow: 'Tomorrow',
  'this-month': 'ThisMonth',
  'last-month': 'LastMonth',
  'next-month': 'NextMonth',
  'this-year': 'ThisYear',
  'last-year': 'LastYear',
  'last-x-days': 'LastXDays',
  'next-x-days': 'NextXDays',
  'last-x-hours': 'LastXHours',
  'next-x-hours': 'NextXHours',
};

/** The caller's own records, as the query functions the OData filter evaluates. */
const USER_OPERATORS: Readonly<Record<string, string>> = {
  'eq-userid': 'EqualUserId',
  'ne-userid': 'NotEqualUserId',
};

const LIST_OPERATORS: Readonly<Record<string, string>> = {
  in: 'In',
  'not-in': 'NotIn',
  between: 'Between',
  'not-between': 'NotBetween',
};

const COMPARISONS: Readonly<Record<string, 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'>> = {
  eq: 'eq',
  ne: 'ne',
  neq: 'ne',
  gt: 'gt',
  ge: 'ge',
  lt: 'lt',
  le: 'le',
};

const LIKE_OPERATORS: Readonly<Record<string, { name: 'like' | 'startswith' | 'endswith'; negated: boolean }>> = {
  like: { name: 'like', negated: false },
  'not-like': { name: 'like', negated: true },
  'begins-with': { name: 'startswith', negated: false },
  'not-begin-with': { name: 'startswith', negated: true },
  'ends-with': { name: 'endswith', negated: false },
  'not-end-with': { name: 'endswith', negated: true },
};

export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

function numberLiteral(raw: string): Literal {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw dataverseErrors.invalidValue(raw, 'Edm.Decimal');
  return { kind: 'literal', type: 'number', value: n, text: raw };
}

function boolLiteral(raw: string): Literal {
  const text = raw.toLowerCase();
  if (!['0', '1', 'true', 'false'].includes(text)) throw dataverseErrors.invalidValue(raw, 'Edm.Boolean');
  return { kind: 'literal', type: 'bool', value: text === '1' || text === 'true', text: raw };
}

function guidLiteral(raw: string): Literal {
  // FetchXML writes ids with or without braces, in either case.
  const id = raw.replace(/^\{(.*)\}$/, '$1').toLowerCase();
  if (!GUID.test(id)) throw dataverseErrors.invalidValue(raw, 'Edm.Guid');
  return { kind: 'literal', type: 'guid', value: id, text: raw };
}

function dateLiteral(raw: string): Literal {
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw dataverseErrors.invalidValue(raw, 'Edm.DateTimeOffset');
  return { kind: 'literal', type: 'datetime', value: ms, text: raw };
}

const LITERALS: Readonly<Record<ColumnDefinition['type'], (raw: string) => Literal>> = {
  string: (raw) => ({ kind: 'literal', type: 'string', value: raw, text: raw }),
  memo: (raw) => ({ kind: 'literal', type: 'string', value: raw, text: raw }),
  int: numberLiteral,
  decimal: numberLiteral,
  money: numberLiteral,
  choice: numberLiteral,
  bool: boolLiteral,
  guid: guidLiteral,
  lookup: guidLiteral,
  datetime: dateLiteral,
};

/** A condition's value typed by its column, so the executor compares as it does for OData. */
export function literalFor(column: ColumnDefinition, raw: string): Literal {
  return LITERALS[column.type](raw);
}

function likeNode(op: string, column: ColumnDefinition, property: PropertyPath, value: string): FilterNode {
  const like = ownValue(LIKE_OPERATORS, op);
  if (like === undefined) throw unsupported(`The condition operator '${op}'`);
  if (column.type !== 'string' && column.type !== 'memo') {
    throw invalid(`the '${op}' operator needs a text column; '${column.name}' is ${column.type}.`);
  }
  const node: FilterNode = { kind: 'stringFunction', name: like.name, property, value: literalFor(column, value) };
  return like.negated ? { kind: 'not', operand: node } : node;
}

/** Operators without a single value: null checks, value lists and relative dates. */
function valuelessNode(
  condition: XmlElement,
  op: string,
  column: ColumnDefinition,
  property: PropertyPath,
): FilterNode {
  if (op === 'null' || op === 'not-null') {
    return { kind: 'compare', op: op === 'null' ? 'eq' : 'ne', left: property, right: NULL_LITERAL };
  }
  const list = ownValue(LIST_OPERATORS, op);
  if (list !== undefined) {
    const values = childrenNamed(condition, 'value').map((v) => v.text);
    if (values.length === 0) throw invalid(`the '${op}' condition on '${column.name}' needs <value> elements.`);
    return {
      kind: 'crmFunction',
      name: list,
      position: 0,
      args: { PropertyName: property.path.join('/'), PropertyValues: values },
    };
  }
  const user = ownValue(USER_OPERATORS, op);
  if (user !== undefined)
    return { kind: 'crmFunction', name: user, position: 0, args: { PropertyName: property.path.join('/') } };
  const date = ownValue(DATE_OPERATORS, op);
  if (date === undefined) throw unsupported(`The condition operator '${op}'`);
  const args: Record<string, string> = { PropertyName: property.path.join('/') };
  if (op.includes('-x-')) args.PropertyValue = requiredValue(condition, op, column);
  return { kind: 'crmFunction', name: date, position: 0, args };
}

function requiredValue(condition: XmlElement, op: string, column: ColumnDefinition): string {
  const value = condition.attributes.value;
  if (value === undefined) throw invalid(`the '${op}' condition on '${column.name}' needs a value attribute.`);
  return value;
}

/** The scope a condition names: its own, or a link-entity's by `entityname` (its alias). */
function scopeOf(condition: XmlElement, scope: FetchScope): FetchScope {
  const entityName = condition.attributes.entityname;
  if (entityName === undefined) return scope;
  const linked = scope.links.get(entityName);
  if (linked === undefined)
    throw invalid(
      `a condition names entityname='${entityName}', which is not the alias of a many-to-one <link-entity>.`,
    );
  return linked;
}

function conditionNode(condition: XmlElement, outer: FetchScope): FilterNode {
  const { attribute, operator } = condition.attributes;
  const scope = scopeOf(condition, outer);
  const column = columnOf(scope.table, attribute, 'condition');
  const property = propertyIn(scope, column);
  const op = (operator ?? '').toLowerCase();
  const comparison = ownValue(COMPARISONS, op);
  if (comparison !== undefined) {
    return {
      kind: 'compare',
      op: comparison,
      left: property,
      right: literalFor(column, requiredValue(condition, op, column)),
    };
  }
  if (Object.hasOwn(LIKE_OPERATORS, op)) return likeNode(op, column, property, requiredValue(condition, op, column));
  return valuelessNode(condition, op, column, property);
}

/** A `<filter>` (nested and/or groups of conditions) as a filter on the queried table's rows. */
export function fetchFilter(filter: XmlElement, scope: FetchScope): FilterNode | undefined {
  const type = (filter.attributes.type ?? 'and').toLowerCase();
  if (type !== 'and' && type !== 'or') throw invalid(`a filter's type must be 'and' or 'or'; got '${type}'.`);
  const parts: FilterNode[] = [];
  for (const child of filter.children) {
    if (child.name === 'condition') parts.push(conditionNode(child, scope));
    else if (child.name === 'filter') {
      const inner = fetchFilter(child, scope);
      if (inner !== undefined) parts.push(inner);
    } else throw invalid(`<${child.name}> is not allowed inside <filter>.`);
  }
  return allOf(parts, type);
}

/** Parts joined by `and` (or `or`); undefined when there are none. */
export function allOf(parts: readonly FilterNode[], kind: 'and' | 'or' = 'and'): FilterNode | undefined {
  return parts.reduce<FilterNode | undefined>(
    (acc, part) => (acc === undefined ? part : { kind, left: acc, right: part }),
    undefined,
  );
}
