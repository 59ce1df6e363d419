type LiteralType = 'string' | 'number' | 'guid' | 'datetime' | 'date' | 'bool' | 'null';

export interface Literal {
  readonly kind: 'literal';
  readonly type: LiteralType;
  /** Strings unescaped; numbers as parsed; guids lower-cased; datetimes as epoch ms. */
  readonly value: string | number | boolean | null;
  readonly text: string;
}

export interface PropertyPath {
  readonly kind: 'property';
  /** `name`, `_lookup_value`, or a path through navigation properties (`parentcustomerid_account/name`). */
  readonly path: readonly string[];
  readonly position: number;
}

export type Operand = Literal | PropertyPath;

export type ComparisonOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** `null` as a filter literal: what `eq null`, `IS NULL` and FetchXML's `null` compare with. */
export const NULL_LITERAL: Literal = { kind: 'literal', type: 'null', value: null, text: 'null' };

/** Each operator with its operands swapped: `'x' lt name` is `name gt 'x'`. */
export const MIRRORED: Readonly<Record<ComparisonOperator, ComparisonOperator>> = {
  eq: 'eq',
  ne: 'ne',
  gt: 'lt',
  ge: 'le',
  lt: 'gt',
  le: 'ge',
};

/**
 * Operands joined left to right by one operator (`a or b or c` is `(a or b) or c`), for as long
 * as `another()` finds (and takes) the operator's word: how both the OData and the SQL parsers
 * read `and` and `or`.
 */
export function chainOf(kind: 'and' | 'or', operand: () => FilterNode, another: () => boolean): FilterNode {
  let left = operand();
  while (another()) left = { kind, left, right: operand() };
  return left;
}

export type FilterNode =
  | { readonly kind: 'and' | 'or'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: 'not'; readonly operand: FilterNode }
  | { readonly kind: 'compare'; readonly op: ComparisonOperator; readonly left: Operand; readonly right: Operand }
  | {
      readonly kind: 'stringFunction';
      /** `like` (FetchXML's operator) anchors both ends; the OData functions leave one or both open. */
      readonly name: 'contains' | 'startswith' | 'endswith' | 'like';
      readonly property: PropertyPath;
      readonly value: Literal;
    }
  | {
      readonly kind: 'crmFunction';
      readonly name: string;
      readonly position: number;
      readonly args: Readonly<Record<string, string | number | readonly (string | number)[]>>;
    }
  | { readonly kind: 'boolProperty'; readonly property: PropertyPath }
  /**
   * `<relationship>/any(x: …)` or `/all(x: …)` over a collection-valued navigation property;
   * the predicate's paths are the related table's, the variable already taken off.
   */
  | {
      readonly kind: 'lambda';
      readonly quantifier: 'any' | 'all';
      readonly navigation: string;
      readonly predicate: FilterNode | undefined;
      readonly position: number;
    };
