import type { Catalogue, TableMetadata } from '../metadata/Catalogue.js';
import type { ColumnDefinition } from '../metadata/TableDefinition.js';
import { NULL_LITERAL, type FilterNode } from '../odata/FilterAst.js';
import type { OrderByItem } from '../odata/QueryOptions.js';
import type { AggregateMethod } from '../odata/aggregateRows.js';
import { MAX_PAGE_SIZE } from '../odata/executeQuery.js';
import { invalid, unsupported } from './fetchXmlErrors.js';
import { allOf, childrenNamed, fetchFilter } from './fetchFilter.js';
import { columnOf, responseName, type FetchScope } from './FetchScope.js';
import { readXmlElement, type XmlElement } from './readXmlElement.js';

/** A many-to-one `<link-entity>` whose columns the rows carry, as `<alias>.<column>`. */
export interface FetchLink {
  readonly alias: string;
  readonly table: TableMetadata;
  /** The queried table's lookup column the link follows. */
  readonly lookup: string;
  readonly outer: boolean;
  /** Columns to return; empty: none (a link used only to filter). */
  readonly columns: readonly ColumnDefinition[];
  /** An outer link's own filter, on the linked table's columns: a record that fails it is not shown. */
  readonly filter: FilterNode | undefined;
}

/** One column of an aggregate query: a group key or an aggregate, by its alias. */
interface FetchAggregateColumn {
  readonly alias: string;
  /** From the queried table: a column, or a navigation path to a linked one. */
  readonly path: readonly string[];
  /** `undefined`: a group key. */
  readonly method: AggregateMethod | undefined;
}

/** A FetchXML query bound to its table, in the terms of the OData query executor. */
export interface FetchQuery {
  /** Column names as the response names them (`_<lookup>_value`); undefined: every column. */
  readonly select: readonly string[] | undefined;
  readonly filter: FilterNode | undefined;
  readonly orderBy: readonly OrderByItem[];
  readonly links: readonly FetchLink[];
  /** `aggregate="true"`: the columns, and the aliases to order the groups by. */
  readonly aggregate:
    { readonly columns: readonly FetchAggregateColumn[]; readonly orderBy: readonly OrderByItem[] } | undefined;
  readonly top: number | undefined;
  /** Page size (`count`) and 1-based page number; simple paging. */
  readonly count: number | undefined;
  readonly page: number;
  readonly returnTotalRecordCount: boolean;
}

const AGGREGATES: Readonly<Record<string, AggregateMethod>> = {
  count: 'count',
  countcolumn: 'countcolumn',
  sum: 'sum',
  avg: 'average',
  min: 'min',
  max: 'max',
};

/** Link types that only test for related records (a semi-join): the rows never multiply. */
const SEMI_JOINS = new Set(['exists', 'in', 'any', 'not any']);

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

/** `top`, or `count` and `page`: Dataverse refuses the two together. */
function pagingOf(root: XmlElement): Pick<FetchQuery, 'top' | 'count' | 'page'> {
  const top = integerAttribute(root, 'top', 1);
  const count = integerAttribute(root, 'count', 1);
  const page = integerAttribute(root, 'page', 1);
  if (top !== undefined && (count !== undefined || page !== undefined))
    throw invalid('the top attribute cannot be combined with count or page (paging).');
  // Dataverse's page-size ceiling: `top` above it is refused, `count` above it capped.
  if (top !== undefined && top > MAX_PAGE_SIZE) throw invalid(`top must be at most ${MAX_PAGE_SIZE}; got ${top}.`);
  return { top, count: count === undefined ? undefined : Math.min(count, MAX_PAGE_SIZE), page: page ?? 1 };
}

interface Placed {
  readonly scope: FetchScope;
  readonly element: XmlElement;
}

/** What `<entity>` and its links hold, before the query is assembled. */
interface Collected {
  readonly attributes: Placed[];
  /** Scopes with `<all-attributes/>`. */
  readonly all: FetchScope[];
  /** Joined by `and`, on the queried table's rows. */
  readonly filters: FilterNode[];
  readonly orders: Placed[];
  readonly links: { readonly scope: FetchScope; readonly link: Omit<FetchLink, 'columns'> }[];
}

interface LinkContext {
  /** The queried entity's scope; its `links` collects the many-to-one links' aliases as they are read. */
  readonly root: FetchScope & { readonly links: Map<string, FetchScope> };
  readonly catalogue: Catalogue;
  /** `<fetch distinct="true">`: a one-to-many inner link cannot repeat rows. */
  readonly distinct: boolean;
  readonly collected: Collected;
}

function definedFilters(elements: readonly XmlElement[], scope: FetchScope): FilterNode[] {
  return elements.map((f) => fetchFilter(f, scope)).filter((f): f is FilterNode => f !== undefined);
}

function linkedTable(catalogue: Catalogue, name: string | undefined): TableMetadata {
  const table = name === undefined ? undefined : catalogue.byLogicalName(name);
  if (table === undefined)
    throw invalid(`<link-entity> names a table the organization does not have: '${name ?? ''}'.`);
  return table;
}

/** The linked record is there (and, given its link's filters, meets them). */
function linkedExists(linked: TableMetadata, scope: FetchScope, filters: readonly FilterNode[]): FilterNode {
  const present: FilterNode = {
    kind: 'compare',
    op: 'ne',
    left: { kind: 'property', path: [...scope.prefix, linked.primaryKey], position: 0 },
    right: NULL_LITERAL,
  };
  return allOf([present, ...filters]) ?? present;
}

/** A many-to-one link's attributes and orders join the query's; its `<filter>` elements are returned. */
function linkChildren(element: XmlElement, scope: FetchScope, collected: Collected, returns: boolean): XmlElement[] {
  const filters: XmlElement[] = [];
  for (const child of element.children) {
    if (child.name === 'filter') filters.push(child);
    else if (child.name === 'link-entity') throw unsupported('A <link-entity> inside a <link-entity>');
    else if (!returns && ['attribute', 'all-attributes', 'order'].includes(child.name))
      throw invalid(`<${child.name}> is not allowed in a <link-entity> whose link-type returns no columns.`);
    else if (child.name === 'attribute') collected.attributes.push({ scope, element: child });
    else if (child.name === 'all-attributes') collected.all.push(scope);
    else if (child.name === 'order') collected.orders.push({ scope, element: child });
    else throw invalid(`<${child.name}> is not allowed inside <link-entity>.`);
  }
  return filters;
}

/**
 * A many-to-one link (its `to` is a lookup of the queried table, its `from` the linked table's
 * key). Inner: only rows with the linked record (meeting the link's filters); outer: every row,
 * the linked columns when the record is there and meets them; a semi-join type: a test only.
 */
function manyToOneLink(
  element: XmlElement,
  { linked, navigation, lookup }: { linked: TableMetadata; navigation: string; lookup: string },
  ctx: LinkContext,
  type: string,
): void {
  if (type !== 'inner' && type !== 'outer' && !SEMI_JOINS.has(type)) throw unsupported(`link-type='${type}'`);
  const alias = element.attributes.alias ?? `${linked.logicalName}${ctx.collected.links.length + 1}`;
  const scope: FetchScope = { table: linked, prefix: [navigation], links: new Map() };
  ctx.root.links.set(alias, scope);
  const outer = type === 'outer';
  const own = linkChildren(element, scope, ctx.collected, type === 'inner' || outer);
  if (!outer) {
    const test = linkedExists(linked, scope, definedFilters(own, scope));
    ctx.collected.filters.push(type === 'not any' ? { kind: 'not', operand: test } : test);
  }
  // An outer link's filters decide which linked records show, never which rows come.
  const filter = outer ? allOf(definedFilters(own, { table: linked, prefix: [], links: new Map() })) : undefined;
  ctx.collected.links.push({ scope, link: { alias, table: linked, lookup, outer, filter } });
}

/**
 * A one-to-many link (its `from` is the linked table's lookup to the queried table): a test for
 * related records. A join would repeat each row once per related record; the mock does not
 * repeat rows, so it takes this link only where Dataverse would not either (a semi-join
 * link-type, or distinct="true") and refuses it otherwise.
 */
function oneToManyLink(
  element: XmlElement,
  linked: TableMetadata,
  relationship: string,
  ctx: LinkContext,
  type: string,
): void {
  const semi = SEMI_JOINS.has(type) || ((type === 'inner' || type === 'outer') && ctx.distinct);
  if (!semi)
    throw unsupported(
      `A one-to-many <link-entity> with link-type='${type}' and without distinct='true' (each ` +
        `related record would repeat the row)`,
    );
  for (const child of element.children)
    if (child.name !== 'filter')
      throw unsupported(`<${child.name}> inside a one-to-many <link-entity> (only <filter> is evaluated there)`);
  if (type === 'outer') return;
  const scope: FetchScope = { table: linked, prefix: [], links: new Map() };
  const predicate = allOf(definedFilters(childrenNamed(element, 'filter'), scope));
  const any: FilterNode = { kind: 'lambda', quantifier: 'any', navigation: relationship, predicate, position: 0 };
  ctx.collected.filters.push(type === 'not any' ? { kind: 'not', operand: any } : any);
}

function linkEntity(element: XmlElement, ctx: LinkContext): void {
  const { name, from, to } = element.attributes;
  const type = (element.attributes['link-type'] ?? 'inner').toLowerCase();
  const linked = linkedTable(ctx.catalogue, name);
  const { table } = ctx.root;
  const toOne = [...table.navigationProperties.values()].find(
    (n) => n.column.name === to && n.target.table === linked.logicalName && from === linked.primaryKey,
  );
  if (toOne !== undefined) {
    manyToOneLink(element, { linked, navigation: toOne.name, lookup: toOne.column.name }, ctx, type);
    return;
  }
  const toMany = [...table.collectionNavigationProperties.values()].find(
    (r) => r.table === linked.logicalName && r.column.name === from && to === table.primaryKey,
  );
  if (toMany !== undefined) {
    oneToManyLink(element, linked, toMany.name, ctx, type);
    return;
  }
  throw unsupported(
    `A <link-entity> that does not follow a lookup between '` +
      `${table.logicalName}' and '${linked.logicalName}' (from='${from ?? ''}' to='${to ?? ''}')`,
  );
}

function collect(entity: XmlElement, table: TableMetadata, catalogue: Catalogue, distinct: boolean): Collected {
  const collected: Collected = { attributes: [], all: [], filters: [], orders: [], links: [] };
  const root = { table, prefix: [], links: new Map<string, FetchScope>() };
  // Links first: a condition anywhere in the entity may name their aliases.
  for (const link of childrenNamed(entity, 'link-entity')) linkEntity(link, { root, catalogue, distinct, collected });
  for (const child of entity.children) {
    if (child.name === 'attribute') collected.attributes.push({ scope: root, element: child });
    else if (child.name === 'all-attributes') collected.all.push(root);
    else if (child.name === 'filter') collected.filters.push(...definedFilters([child], root));
    else if (child.name === 'order') collected.orders.push({ scope: root, element: child });
    else if (child.name !== 'link-entity') throw invalid(`<${child.name}> is not allowed inside <entity>.`);
  }
  return collected;
}

function pathOf(placed: Placed, where: string): readonly string[] {
  const column = columnOf(
    placed.scope.table,
    placed.element.attributes[where === 'order' ? 'attribute' : 'name'],
    where,
  );
  return [...placed.scope.prefix, responseName(column)];
}

/** A plain query: the entity's columns, each link's columns, and orders by attribute. */
function plainParts(c: Collected, table: TableMetadata): Pick<FetchQuery, 'select' | 'orderBy' | 'links'> {
  for (const { element } of c.attributes)
    if (
      element.attributes.alias !== undefined ||
      element.attributes.aggregate !== undefined ||
      element.attributes.groupby !== undefined
    )
      throw unsupported('An attribute alias, aggregate or groupby outside aggregate="true"');
  const own = c.attributes.filter((a) => a.scope.prefix.length === 0);
  const select = own.map((a) => responseName(columnOf(table, a.element.attributes.name, 'attribute')));
  const links = c.links.map(({ scope, link }) => ({
    ...link,
    columns: c.all.includes(scope)
      ? link.table.definition.columns
      : c.attributes
          .filter((a) => a.scope === scope)
          .map((a) => columnOf(link.table, a.element.attributes.name, 'attribute')),
  }));
  const orderBy = c.orders.map((o) => {
    if (o.element.attributes.alias !== undefined) throw unsupported('Ordering by an alias outside aggregate="true"');
    return { path: pathOf(o, 'order'), descending: o.element.attributes.descending === 'true' };
  });
  const all = c.all.some((scope) => scope.prefix.length === 0);
  return { select: all || select.length === 0 ? undefined : [...new Set(select)], orderBy, links };
}

function aggregateColumn(placed: Placed): FetchAggregateColumn {
  const { alias, aggregate, groupby, distinct, dategrouping } = placed.element.attributes;
  if (alias === undefined || alias === '') throw invalid('every <attribute> of an aggregate query needs an alias.');
  if (dategrouping !== undefined) throw unsupported('dategrouping');
  const path = pathOf(placed, 'attribute');
  if (groupby === 'true') {
    if (aggregate !== undefined) throw invalid(`the attribute '${alias}' cannot both group and aggregate.`);
    return { alias, path, method: undefined };
  }
  const method = aggregate === undefined ? undefined : AGGREGATES[aggregate.toLowerCase()];
  if (method === undefined)
    throw invalid(
      `the attribute '${alias}' of an aggregate query needs groupby='true' or aggregate= one of ` +
        `${Object.keys(AGGREGATES).join(', ')}.`,
    );
  return { alias, path, method: method === 'countcolumn' && distinct === 'true' ? 'countdistinct' : method };
}

/** `aggregate="true"`: every attribute a group key or an aggregate, each with an alias; orders by alias. */
function aggregateParts(c: Collected): NonNullable<FetchQuery['aggregate']> {
  if (c.all.length > 0) throw invalid('<all-attributes> is not allowed in an aggregate query.');
  if (c.links.some(({ link }) => link.filter !== undefined))
    throw unsupported('A <filter> inside an outer <link-entity> of an aggregate query');
  const columns = c.attributes.map(aggregateColumn);
  if (columns.length === 0) throw invalid('an aggregate query needs at least one aggregate or groupby attribute.');
  const aliases = new Set(columns.map((col) => col.alias));
  if (aliases.size !== columns.length) throw invalid('each attribute of an aggregate query needs an alias of its own.');
  const orderBy = c.orders.map(({ element }) => {
    const alias = element.attributes.alias;
    if (alias === undefined || !aliases.has(alias))
      throw invalid(
        `an <order> in an aggregate query names one of the attributes' aliases (` +
          `${[...aliases].join(', ')}); got '${alias ?? element.attributes.attribute ?? ''}'.`,
      );
    return { path: [alias], descending: element.attributes.descending === 'true' };
  });
  return { columns, orderBy };
}

/**
 * Parses `?fetchXml=` for the entity set it was sent to: one `<entity>` whose name is that
 * set's table, its attributes, nested and/or filters, orders, `top`, `count`/`page`,
 * many-to-one `<link-entity>` joins (and one-to-many ones as tests for related records), and
 * `aggregate="true"` queries. What the mock does not evaluate is refused by name (400).
 */
export function parseFetchXml(xml: string, table: TableMetadata, catalogue: Catalogue): FetchQuery {
  const root = readXmlElement(xml);
  if (typeof root === 'string') throw invalid(`the query is not well-formed XML: ${root}`);
  if (root.name !== 'fetch') throw invalid(`the root element must be <fetch>; got <${root.name}>.`);
  const entities = childrenNamed(root, 'entity');
  const entity = entities[0];
  if (entities.length !== 1 || entity === undefined || root.children.length !== 1)
    throw invalid('<fetch> must hold exactly one <entity> element.');
  if (entity.attributes.name !== table.logicalName) {
    throw invalid(
      `the entity name '${entity.attributes.name ?? ''}' does not match the entity set '` +
        `${table.entitySetName}' (table '${table.logicalName}').`,
    );
  }
  const collected = collect(entity, table, catalogue, root.attributes.distinct === 'true');
  const aggregate = root.attributes.aggregate === 'true' ? aggregateParts(collected) : undefined;
  const plain = aggregate === undefined ? plainParts(collected, table) : { select: undefined, orderBy: [], links: [] };
  return {
    ...plain,
    filter: allOf(collected.filters),
    aggregate,
    ...pagingOf(root),
    returnTotalRecordCount: root.attributes.returntotalrecordcount === 'true',
  };
}
