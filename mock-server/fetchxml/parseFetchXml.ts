import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import type { ColumnDefinition } from '../metadata/TableDefinition.js';
import type { FilterNode, Literal, PropertyPath } from '../odata/FilterAst.js';
import { GUID } from '../odata/guid.js';
import type { OrderByItem } from '../odata/QueryOptions.js';
import { readXmlElement, type XmlElement } from './readXmlElement.js';

/** A FetchXML query bound to its table, in the terms of the OData query executor. */
export interface FetchQuery {
  /** Column names as the response names them (`_<lookup>_value`); undefined: every column. */
  readonly select: readonly string[] | undefined;
  readonly filter: FilterNode | undefined;
  readonly orderBy: readonly OrderByItem[];
  readonly top: number | undefined;
  /** Page size (`count`) and 1-based page number; simple paging. */
  readonly count: number | undefined;
  readonly page: number;
  readonly returnTotalRecordCount: boolean;
}

/** Dataverse's page-size ceiling; `count` above it is capped. */
const MAX_COUNT = 5000;

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

function invalid(rule: string): Error {
  return dataverseErrors.querySyntax(`FetchXML: ${rule}`);
}

/** What the mock does not evaluate is refused by name, so a test never passes on a silently wrong answer. */
function unsupported(what: string): Error {
  return invalid(`${what} is not supported by the dvbench mock.`);
}

function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

function integerAttribute(element: XmlElement, name: string, min: number): number | undefined {
  const text = element.attributes[name];
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min) {
    throw invalid(
      `the ${name} attribute of <${element.name}> must be a whole number of at least ${min}; got '${text}'.`,
    );
  }
  return Number(text);
}

function columnOf(table: TableMetadata, name: string | undefined, where: string): ColumnDefinition {
  if (name === undefined || name === '') throw invalid(`<${where}> needs an attribute name.`);
  const column = table.columns.get(name);
  if (column === undefined) {
    throw dataverseErrors.querySyntax(`'${table.logicalName}' entity doesn't contain attribute with Name = '${name}'.`);
  }
  return column;
}

/** The name the response and the executor use: a lookup is read as `_<name>_value`. */
function responseName(column: ColumnDefinition): string {
  return column.type === 'lookup' ? `_${column.name}_value` : column.name;
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
function literalFor(column: ColumnDefinition, raw: string): Literal {
  return LITERALS[column.type](raw);
}

function likeNode(op: string, column: ColumnDefinition, property: PropertyPath, value: string): FilterNode {
  const like = LIKE_OPERATORS[op];
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
    const nullLiteral: Literal = { kind: 'literal', type: 'null', value: null, text: 'null' };
    return { kind: 'compare', op: op === 'null' ? 'eq' : 'ne', left: property, right: nullLiteral };
  }
  const list = LIST_OPERATORS[op];
  if (list !== undefined) {
    const values = childrenNamed(condition, 'value').map((v) => v.text);
    if (values.length === 0) throw invalid(`the '${op}' condition on '${column.name}' needs <value> elements.`);
    return {
      kind: 'crmFunction',
      name: list,
      position: 0,
      args: { PropertyName: responseName(column), PropertyValues: values },
    };
  }
  const date = DATE_OPERATORS[op];
  if (date === undefined) throw unsupported(`The condition operator '${op}'`);
  const args: Record<string, string> = { PropertyName: responseName(column) };
  if (op.includes('-x-')) args.PropertyValue = requiredValue(condition, op, column);
  return { kind: 'crmFunction', name: date, position: 0, args };
}

function requiredValue(condition: XmlElement, op: string, column: ColumnDefinition): string {
  const value = condition.attributes.value;
  if (value === undefined) throw invalid(`the '${op}' condition on '${column.name}' needs a value attribute.`);
  return value;
}

function conditionNode(condition: XmlElement, table: TableMetadata): FilterNode {
  const { attribute, operator, entityname: entityName } = condition.attributes;
  if (entityName !== undefined) throw unsupported(`A condition on a linked entity (entityname='${entityName}')`);
  const column = columnOf(table, attribute, 'condition');
  const property: PropertyPath = { kind: 'property', path: [responseName(column)], position: 0 };
  const op = (operator ?? '').toLowerCase();
  const comparison = COMPARISONS[op];
  if (comparison !== undefined) {
    return {
      kind: 'compare',
      op: comparison,
      left: property,
      right: literalFor(column, requiredValue(condition, op, column)),
    };
  }
  if (op in LIKE_OPERATORS) return likeNode(op, column, property, requiredValue(condition, op, column));
  return valuelessNode(condition, op, column, property);
}

function filterNode(filter: XmlElement, table: TableMetadata): FilterNode | undefined {
  const type = (filter.attributes.type ?? 'and').toLowerCase();
  if (type !== 'and' && type !== 'or') throw invalid(`a filter's type must be 'and' or 'or'; got '${type}'.`);
  const parts: FilterNode[] = [];
  for (const child of filter.children) {
    if (child.name === 'condition') parts.push(conditionNode(child, table));
    else if (child.name === 'filter') {
      const inner = filterNode(child, table);
      if (inner !== undefined) parts.push(inner);
    } else throw invalid(`<${child.name}> is not allowed inside <filter>.`);
  }
  return parts.reduce<FilterNode | undefined>(
    (acc, part) => (acc === undefined ? part : { kind: type, left: acc, right: part }),
    undefined,
  );
}

function entityParts(entity: XmlElement, table: TableMetadata): Pick<FetchQuery, 'select' | 'filter' | 'orderBy'> {
  let all = false;
  const select: string[] = [];
  const filters: FilterNode[] = [];
  const orderBy: OrderByItem[] = [];
  for (const child of entity.children) {
    switch (child.name) {
      case 'attribute':
        if (child.attributes.alias !== undefined || child.attributes.aggregate !== undefined)
          throw unsupported('An attribute alias or aggregate');
        select.push(responseName(columnOf(table, child.attributes.name, 'attribute')));
        break;
      case 'all-attributes':
        all = true;
        break;
      case 'filter': {
        const node = filterNode(child, table);
        if (node !== undefined) filters.push(node);
        break;
      }
      case 'order':
        if (child.attributes.alias !== undefined) throw unsupported('Ordering by an alias');
        orderBy.push({
          path: [responseName(columnOf(table, child.attributes.attribute, 'order'))],
          descending: child.attributes.descending === 'true',
        });
        break;
      case 'link-entity':
        throw unsupported('<link-entity>');
      default:
        throw invalid(`<${child.name}> is not allowed inside <entity>.`);
    }
  }
  const filter = filters.reduce<FilterNode | undefined>(
    (acc, f) => (acc === undefined ? f : { kind: 'and', left: acc, right: f }),
    undefined,
  );
  return { select: all || select.length === 0 ? undefined : [...new Set(select)], filter, orderBy };
}

/** `top`, or `count` and `page`: Dataverse refuses the two together. */
function pagingOf(root: XmlElement): Pick<FetchQuery, 'top' | 'count' | 'page'> {
  const top = integerAttribute(root, 'top', 1);
  const count = integerAttribute(root, 'count', 1);
  const page = integerAttribute(root, 'page', 1);
  if (top !== undefined && (count !== undefined || page !== undefined))
    throw invalid('the top attribute cannot be combined with count or page (paging).');
  if (top !== undefined && top > MAX_COUNT) throw invalid(`top must be at most ${MAX_COUNT}; got ${top}.`);
  return { top, count: count === undefined ? undefined : Math.min(count, MAX_COUNT), page: page ?? 1 };
}

/**
 * Parses `?fetchXml=` for the entity set it was sent to: one `<entity>` whose name is that
 * set's table, its attributes, nested and/or filters, orders, `top`, and `count`/`page`.
 * Aggregates, aliases and `<link-entity>` are refused by name (400).
 */
export function parseFetchXml(xml: string, table: TableMetadata): FetchQuery {
  const root = readXmlElement(xml);
  if (typeof root === 'string') throw invalid(`the query is not well-formed XML: ${root}`);
  if (root.name !== 'fetch') throw invalid(`the root element must be <fetch>; got <${root.name}>.`);
  if (root.attributes.aggregate === 'true') throw unsupported('An aggregate query');
  const entities = childrenNamed(root, 'entity');
  const entity = entities[0];
  if (entities.length !== 1 || entity === undefined || root.children.length !== 1)
    throw invalid('<fetch> must hold exactly one <entity> element.');
  if (entity.attributes.name !== table.logicalName) {
    throw invalid(
      `the entity name '${entity.attributes.name ?? ''}' does not match the entity set '${table.entitySetName}' (table '${table.logicalName}').`,
    );
  }
  const { top, count, page } = pagingOf(root);
  return {
    ...entityParts(entity, table),
    top,
    count,
    page,
    returnTotalRecordCount: root.attributes.returntotalrecordcount === 'true',
  };
}
