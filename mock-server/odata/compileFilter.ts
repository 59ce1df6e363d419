import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import type { Row } from '../store/Row.js';
import { edmTypeOf, type ColumnDefinition } from '../metadata/TableDefinition.js';
import { compareComparable, comparable } from './compareCells.js';
import { MIRRORED, type ComparisonOperator, type FilterNode, type Literal, type Operand } from './FilterAst.js';
import { childrenByParent } from './childrenByParent.js';
import { crmFunctionPredicate } from './crmFunctions.js';
import type { FilterContext, RowPredicate } from './FilterContext.js';
import { likeMatcher } from './likeMatcher.js';
import { resolveProperty, type ResolvedProperty } from './resolveProperty.js';

/**
 * The most `any`/`all` lambdas one filter may hold (the mock's bound; Dataverse states none):
 * each reads a related table, and 1,000 of them held the mock for 85 s.
 */
const MAX_LAMBDAS = 50;

/** How many lambdas a filter holds, at any depth. */
function countLambdas(node: unknown): number {
  if (typeof node !== 'object' || node === null) return 0;
  let n = (node as { kind?: unknown }).kind === 'lambda' ? 1 : 0;
  for (const value of Object.values(node))
    n += Array.isArray(value) ? value.reduce<number>((a, v) => a + countLambdas(v), 0) : countLambdas(value);
  return n;
}

const OPERATOR_KIND: Record<ComparisonOperator, string> = {
  eq: 'Equal',
  ne: 'NotEqual',
  gt: 'GreaterThan',
  ge: 'GreaterThanOrEqual',
  lt: 'LessThan',
  le: 'LessThanOrEqual',
};

function literalEdmType(literal: Literal): string {
  switch (literal.type) {
    case 'string':
      return 'Edm.String';
    case 'number':
      return Number.isInteger(literal.value) ? 'Edm.Int32' : 'Edm.Decimal';
    case 'guid':
      return 'Edm.Guid';
    case 'datetime':
      return 'Edm.DateTimeOffset';
    case 'date':
      return 'Edm.Date';
    case 'bool':
      return 'Edm.Boolean';
    case 'null':
      return 'null';
  }
}

function compatible(column: ColumnDefinition, literal: Literal): boolean {
  switch (literal.type) {
    case 'null':
      return true;
    case 'string':
      return column.type === 'string' || column.type === 'memo';
    case 'number':
      return ['int', 'decimal', 'money', 'choice'].includes(column.type);
    case 'guid':
      return column.type === 'guid' || column.type === 'lookup';
    case 'datetime':
    case 'date':
      return column.type === 'datetime';
    case 'bool':
      return column.type === 'bool';
  }
}

function test(op: ComparisonOperator, order: number): boolean {
  switch (op) {
    case 'eq':
      return order === 0;
    case 'ne':
      return order !== 0;
    case 'gt':
      return order > 0;
    case 'ge':
      return order >= 0;
    case 'lt':
      return order < 0;
    case 'le':
      return order <= 0;
  }
}

function compileComparison(op: ComparisonOperator, left: Operand, right: Operand, ctx: FilterContext): RowPredicate {
  if (left.kind === 'literal' && right.kind === 'property') return compileComparison(MIRRORED[op], right, left, ctx);
  if (left.kind === 'literal' && right.kind === 'literal') {
    throw dataverseErrors.querySyntax('A comparison needs at least one property; two literals were compared.');
  }
  if (left.kind !== 'property') throw dataverseErrors.querySyntax('Unsupported comparison.');
  const prop = resolveProperty(ctx.table, left.path, ctx.catalogue, ctx.store);
  const isDate = prop.column.type === 'datetime';
  if (right.kind === 'property') {
    const other = resolveProperty(ctx.table, right.path, ctx.catalogue, ctx.store);
    if (edmTypeOf(prop.column) !== edmTypeOf(other.column)) {
      throw incompatible(edmTypeOf(prop.column), edmTypeOf(other.column), op);
    }
    return (row) => {
      const a = comparable(prop.get(row), isDate);
      const b = comparable(other.get(row), isDate);
      return a === null || b === null ? null : test(op, compareComparable(a, b));
    };
  }
  if (!compatible(prop.column, right)) throw incompatible(edmTypeOf(prop.column), literalEdmType(right), op);
  if (right.type === 'null') {
    if (op === 'eq') return (row) => prop.get(row) === null;
    if (op === 'ne') return (row) => prop.get(row) !== null;
    return () => null;
  }
  const b = typeof right.value === 'string' ? right.value.toLowerCase() : right.value;
  // SQL semantics: any comparison with a null column value is unknown, so the row is excluded.
  return (row) => {
    const a = comparable(prop.get(row), isDate);
    return a === null || b === null ? null : test(op, compareComparable(a, b));
  };
}

function incompatible(a: string, b: string, op: ComparisonOperator): Error {
  return dataverseErrors.querySyntax(
    `A binary operator with incompatible types was detected. Found operand types '` +
      `${a}' and '${b}' for operator kind '${OPERATOR_KIND[op]}'.`,
  );
}

function stringProperty(prop: ResolvedProperty, name: string, table: TableMetadata): ResolvedProperty {
  if (prop.column.type !== 'string' && prop.column.type !== 'memo') {
    throw dataverseErrors.querySyntax(
      `No function signature for the function with name '${name}' matches the specified ` +
        `arguments. The column '` +
        `${prop.column.name}' of '${table.logicalName}' is ${edmTypeOf(prop.column)}, not Edm.String.`,
    );
  }
  return prop;
}

/**
 * `and` (dominant false) and `or` (dominant true) in OData's three-valued logic: the dominant
 * value wins from either side, the right side is not evaluated when the left already decided,
 * and an unknown (null) side leaves the rest unknown.
 */
function junction(l: RowPredicate, r: RowPredicate, dominant: boolean): RowPredicate {
  return (row) => {
    const a = l(row);
    if (a === dominant) return dominant;
    const b = r(row);
    if (b === dominant) return dominant;
    return a === null || b === null ? null : !dominant;
  };
}

function compileNode(node: FilterNode, ctx: FilterContext): RowPredicate {
  switch (node.kind) {
    case 'and':
    case 'or':
      return junction(compileNode(node.left, ctx), compileNode(node.right, ctx), node.kind === 'or');
    case 'not': {
      const inner = compileNode(node.operand, ctx);
      return (row) => {
        const v = inner(row);
        return v === null ? null : !v;
      };
    }
    case 'compare':
      return compileComparison(node.op, node.left, node.right, ctx);
    case 'stringFunction': {
      const prop = stringProperty(
        resolveProperty(ctx.table, node.property.path, ctx.catalogue, ctx.store),
        node.name,
        ctx.table,
      );
      const value = String(node.value.value);
      const matches = likeMatcher(
        value,
        node.name !== 'contains' && node.name !== 'endswith',
        node.name === 'endswith' || node.name === 'like',
      );
      return (row) => {
        const v = prop.get(row);
        return typeof v === 'string' ? matches(v) : null;
      };
    }
    case 'crmFunction':
      return crmFunctionPredicate(node, ctx);
    case 'lambda':
      return lambdaPredicate(node, ctx);
    case 'boolProperty': {
      const prop = resolveProperty(ctx.table, node.property.path, ctx.catalogue, ctx.store);
      if (prop.column.type !== 'bool') {
        throw dataverseErrors.querySyntax(
          `The $filter expression must evaluate to a single boolean value; '${node.property.path.join('/')}' is ${edmTypeOf(prop.column)}.`,
        );
      }
      return (row) => {
        const v = prop.get(row);
        return typeof v === 'boolean' ? v : null;
      };
    }
  }
}

/**
 * `any`/`all` over a one-to-many relationship. The related records are grouped by the record
 * they point at once per query, on first use, so each row's test reads only its own.
 */
function lambdaPredicate(node: Extract<FilterNode, { kind: 'lambda' }>, ctx: FilterContext): RowPredicate {
  const relationship = ctx.table.collectionNavigationProperties.get(node.navigation);
  const related = relationship === undefined ? undefined : ctx.catalogue.byLogicalName(relationship.table);
  if (relationship === undefined || related === undefined)
    throw dataverseErrors.querySyntax(
      `'${node.navigation}' at position ${node.position} is not a collection-valued navigation ` +
        `property of '${ctx.table.logicalName}'.`,
    );
  const test = node.predicate === undefined ? () => true : compileNode(node.predicate, { ...ctx, table: related });
  const key = `${ctx.table.logicalName}|${node.navigation}`;
  const indexes = ctx.lambdaIndexes;
  let byParent: ReadonlyMap<string, Row[]> | undefined;
  const childrenOf = (id: string): readonly Row[] => {
    if (byParent === undefined) {
      byParent = indexes?.get(key) ?? childrenByParent(ctx.store, relationship, ctx.table);
      indexes?.set(key, byParent);
    }
    return byParent.get(id) ?? [];
  };
  const primaryKey = ctx.table.primaryKey;
  return (row) => {
    const children = childrenOf(row.values[primaryKey] as string);
    return node.quantifier === 'any' ? children.some((c) => test(c) === true) : children.every((c) => test(c) === true);
  };
}

/** Binds a parsed filter to a table: unknown columns and type mismatches fail here, before any row is read. */
export function compileFilter(node: FilterNode, ctx: FilterContext): RowPredicate {
  const lambdas = countLambdas(node);
  if (lambdas > MAX_LAMBDAS)
    throw dataverseErrors.querySyntax(
      `The filter holds ` +
        `${lambdas} any/all lambda expressions; the dvbench mock answers at most ${MAX_LAMBDAS} in one filter.`,
    );
  return compileNode(node, {
    ...ctx,
    lambdaIndexes: ctx.lambdaIndexes ?? new Map<string, ReadonlyMap<string, Row[]>>(),
  });
}
