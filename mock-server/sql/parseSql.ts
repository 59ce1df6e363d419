import { literalFor } from '../fetchxml/fetchFilter.js';
import { responseName } from '../fetchxml/FetchScope.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import type { ColumnDefinition } from '../metadata/TableDefinition.js';
import {
  chainOf,
  MIRRORED,
  NULL_LITERAL,
  type ComparisonOperator,
  type FilterNode,
  type Literal,
  type PropertyPath,
} from '../odata/FilterAst.js';
import type { OrderByItem } from '../odata/QueryOptions.js';
import { sqlError, tokenizeSql, type SqlToken } from './tokenizeSql.js';

/** A SELECT in the subset Learn documents for the Web API's `sql` option, bound to its table. */
export interface SqlQuery {
  /** Output columns: the property each reads and the name it is answered under. */
  readonly columns: readonly { readonly property: string; readonly alias: string }[];
  readonly filter: FilterNode | undefined;
  readonly orderBy: readonly OrderByItem[];
  readonly top: number | undefined;
}

const COMPARISONS: Readonly<Record<string, ComparisonOperator>> = {
  '=': 'eq',
  '<>': 'ne',
  '!=': 'ne',
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
};
/** Words that start a construct outside the subset: named in the 400, so the user knows what to change. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  JOIN: 'JOIN',
  INNER: 'JOIN',
  LEFT: 'JOIN',
  RIGHT: 'JOIN',
  FULL: 'JOIN',
  CROSS: 'JOIN',
  GROUP: 'GROUP BY',
  HAVING: 'HAVING',
  UNION: 'UNION',
  DISTINCT: 'DISTINCT',
  OFFSET: 'OFFSET',
  EXISTS: 'EXISTS',
  BETWEEN: 'BETWEEN',
  CASE: 'CASE',
};
const STATEMENTS = new Set([
  'INSERT',
  'UPDATE',
  'DELETE',
  'MERGE',
  'DECLARE',
  'ALTER',
  'CREATE',
  'DROP',
  'EXEC',
  'WITH',
]);
const KEYWORDS = new Set([
  'SELECT',
  'TOP',
  'FROM',
  'WHERE',
  'ORDER',
  'BY',
  'AS',
  'AND',
  'OR',
  'NOT',
  'LIKE',
  'IN',
  'IS',
]);
const KEYWORDS_AFTER_COLUMN = new Set(['FROM', 'WHERE', 'ORDER']);

class SqlParser {
  readonly #tokens: SqlToken[];
  readonly #table: TableMetadata;
  #at = 0;
  #alias: string | undefined;

  constructor(text: string, table: TableMetadata) {
    this.#tokens = tokenizeSql(text);
    this.#table = table;
  }

  parse(): SqlQuery {
    const first = this.#peek();
    if (first?.kind === 'word' && STATEMENTS.has(first.upper))
      throw sqlError(`only SELECT statements are supported; got ${first.upper}.`);
    this.#keyword('SELECT');
    const top = this.#top();
    const names = this.#columnList();
    this.#keyword('FROM');
    this.#from();
    const columns = names.map((c) => ({ property: responseName(this.#column(c.ref)), alias: c.alias }));
    const filter = this.#take('WHERE') ? this.#or() : undefined;
    const orderBy = this.#isWord('ORDER') ? this.#orderBy() : [];
    const rest = this.#peek();
    if (rest?.text === ';' && this.#tokens.length > this.#at + 1)
      throw sqlError('one statement only: a second statement after ; is not supported.');
    if (rest !== undefined && rest.text !== ';') throw this.#unexpected(rest, 'one SELECT statement');
    return { columns, filter, orderBy, top };
  }

  #peek(): SqlToken | undefined {
    return this.#tokens[this.#at];
  }

  #next(): SqlToken {
    const token = this.#tokens[this.#at++];
    if (token === undefined) throw sqlError('the statement ends too early.');
    return token;
  }

  #isWord(upper: string): boolean {
    const t = this.#peek();
    return t?.kind === 'word' && t.upper === upper;
  }

  #keyword(upper: string): void {
    const t = this.#next();
    if (t.kind !== 'word' || t.upper !== upper) throw this.#unexpected(t, upper);
  }

  #symbol(text: string): void {
    const t = this.#next();
    if (t.kind !== 'symbol' || t.text !== text) throw this.#unexpected(t, `'${text}'`);
  }

  #unexpected(t: SqlToken, expected: string): Error {
    if (t.kind === 'word' && UNSUPPORTED[t.upper] !== undefined)
      return sqlError(
        `${UNSUPPORTED[t.upper] ?? t.upper} is not supported by the dvbench mock (position ${t.position}).`,
      );
    if (t.kind === 'word' && t.upper === 'SELECT')
      return sqlError(`subqueries are not supported (position ${t.position}).`);
    return sqlError(`expected ${expected} at position ${t.position}, found '${t.text}'.`);
  }

  #top(): number | undefined {
    if (!this.#isWord('TOP')) return undefined;
    this.#next();
    const n = this.#next();
    if (n.kind !== 'number' || !/^\d+$/.test(n.text)) throw sqlError('TOP takes an integer literal.');
    return Number(n.text);
  }

  /** `[alias.]name`; a name followed by `(` is a function, outside the subset. */
  #reference(): string[] {
    const t = this.#next();
    if (t.kind === 'symbol' && t.text === '*') throw sqlError('SELECT * is not supported: list the columns.');
    if (t.kind !== 'word' || KEYWORDS.has(t.upper) || UNSUPPORTED[t.upper] !== undefined)
      throw this.#unexpected(t, 'a column name');
    if (this.#peek()?.text === '(')
      throw sqlError(`functions (${t.text}(…)) are not supported by the dvbench mock, aggregates included.`);
    if (this.#peek()?.text !== '.') return [t.text];
    this.#next();
    const name = this.#next();
    if (name.kind === 'symbol' && name.text === '*') throw sqlError('SELECT * is not supported: list the columns.');
    if (name.kind !== 'word') throw this.#unexpected(name, 'a column name');
    return [t.text, name.text];
  }

  #columnList(): { ref: string[]; alias: string }[] {
    const out: { ref: string[]; alias: string }[] = [];
    for (;;) {
      const ref = this.#reference();
      let alias = ref.at(-1) ?? '';
      const t = this.#peek();
      if (t?.kind === 'word' && t.upper === 'AS') {
        this.#next();
        alias = this.#next().text;
      } else if (t?.kind === 'word' && !KEYWORDS_AFTER_COLUMN.has(t.upper) && UNSUPPORTED[t.upper] === undefined) {
        alias = this.#next().text;
      }
      out.push({ ref, alias });
      if (this.#peek()?.text !== ',') return out;
      this.#next();
    }
  }

  #from(): void {
    const t = this.#next();
    if (t.kind !== 'word') throw this.#unexpected(t, 'a table name');
    if (t.text.toLowerCase() !== this.#table.logicalName)
      throw sqlError(
        `the query reads '${t.text}', but was sent to ${this.#table.entitySetName}; send it to the entity set of ` +
          `its table.`,
      );
    const next = this.#peek();
    if (next?.kind === 'word' && next.upper === 'AS') this.#next();
    const alias = this.#peek();
    if (alias?.kind === 'word' && !KEYWORDS.has(alias.upper) && UNSUPPORTED[alias.upper] === undefined) {
      this.#alias = alias.text;
      this.#next();
    }
  }

  #column(ref: readonly string[]): ColumnDefinition {
    const name = ref.length === 2 ? ref[1] : ref[0];
    if (ref.length === 2 && ref[0] !== this.#alias && ref[0]?.toLowerCase() !== this.#table.logicalName)
      throw sqlError(`'${ref.join('.')}' names a table or alias the query does not have.`);
    const column = this.#table.columns.get((name ?? '').toLowerCase());
    if (column === undefined) throw sqlError(`Invalid column name '${name ?? ''}'.`);
    return column;
  }

  #property(ref: readonly string[]): { column: ColumnDefinition; path: PropertyPath } {
    const column = this.#column(ref);
    return { column, path: { kind: 'property', path: [responseName(column)], position: 0 } };
  }

  #or(): FilterNode {
    return chainOf(
      'or',
      () => this.#and(),
      () => this.#take('OR'),
    );
  }

  #and(): FilterNode {
    return chainOf(
      'and',
      () => this.#not(),
      () => this.#take('AND'),
    );
  }

  /** Whether the next token is the keyword; if so, it is taken. */
  #take(upper: string): boolean {
    if (!this.#isWord(upper)) return false;
    this.#next();
    return true;
  }

  #not(): FilterNode {
    if (this.#isWord('NOT')) {
      this.#next();
      return { kind: 'not', operand: this.#not() };
    }
    if (this.#peek()?.text === '(') {
      this.#next();
      const inner = this.#or();
      this.#symbol(')');
      return inner;
    }
    return this.#leaf();
  }

  #literal(column: ColumnDefinition): Literal {
    const t = this.#next();
    if (t.kind === 'symbol' && t.text === '-') {
      const n = this.#next();
      if (n.kind !== 'number') throw this.#unexpected(n, 'a number');
      return literalFor(column, `-${n.text}`);
    }
    return this.#constant(t, column);
  }

  /** One constant token typed by the column it is compared with. */
  #constant(t: SqlToken, column: ColumnDefinition): Literal {
    if (t.kind === 'word' && t.upper === 'NULL') return NULL_LITERAL;
    if (t.kind !== 'string' && t.kind !== 'number')
      throw sqlError(
        `a condition compares a column with a constant (Learn's rule for the sql option); found '${t.text}' ` +
          `at position ${t.position}.`,
      );
    return literalFor(column, t.text);
  }

  /** A leaf: one column and one constant, by a binary operator, LIKE, IN or IS [NOT] NULL. */
  #leaf(): FilterNode {
    if (this.#peek()?.kind === 'string' || this.#peek()?.kind === 'number') return this.#constantFirst();
    const { column, path } = this.#property(this.#reference());
    const t = this.#next();
    const op = t.kind === 'symbol' ? COMPARISONS[t.text] : undefined;
    if (op !== undefined) return { kind: 'compare', op, left: path, right: this.#literal(column) };
    if (t.kind === 'word' && t.upper === 'IS') {
      const negated = this.#take('NOT');
      this.#keyword('NULL');
      return { kind: 'compare', op: negated ? 'ne' : 'eq', left: path, right: NULL_LITERAL };
    }
    return this.#wordLeaf(t, column, path);
  }

  /** `[NOT] LIKE 'pattern'` and `[NOT] IN (constants)`. */
  #wordLeaf(t: SqlToken, column: ColumnDefinition, path: PropertyPath): FilterNode {
    const negated = t.kind === 'word' && t.upper === 'NOT';
    const word = negated ? this.#next() : t;
    if (word.kind === 'word' && word.upper === 'LIKE') {
      const node: FilterNode = { kind: 'stringFunction', name: 'like', property: path, value: this.#literal(column) };
      return negated ? { kind: 'not', operand: node } : node;
    }
    if (word.kind === 'word' && word.upper === 'IN') {
      const node = this.#inList(column, path);
      return negated ? { kind: 'not', operand: node } : node;
    }
    throw this.#unexpected(word, 'a comparison (=, <>, <, <=, >, >=, LIKE, IN, IS NULL)');
  }

  /** `300 = revenue`: the constant is typed once the column after the operator is known. */
  #constantFirst(): FilterNode {
    const constant = this.#next();
    const t = this.#next();
    const op = t.kind === 'symbol' ? COMPARISONS[t.text] : undefined;
    if (op === undefined) throw this.#unexpected(t, 'a comparison');
    const { column, path } = this.#property(this.#reference());
    return { kind: 'compare', op: MIRRORED[op], left: path, right: this.#constant(constant, column) };
  }

  #inList(column: ColumnDefinition, path: PropertyPath): FilterNode {
    this.#symbol('(');
    if (this.#isWord('SELECT')) throw sqlError('subqueries are not supported.');
    const parts: FilterNode[] = [];
    for (;;) {
      parts.push({ kind: 'compare', op: 'eq', left: path, right: this.#literal(column) });
      if (this.#peek()?.text !== ',') break;
      this.#next();
    }
    this.#symbol(')');
    return parts.reduce((a, b) => ({ kind: 'or', left: a, right: b }));
  }

  #orderBy(): OrderByItem[] {
    this.#keyword('ORDER');
    this.#keyword('BY');
    const out: OrderByItem[] = [];
    for (;;) {
      const { path } = this.#property(this.#reference());
      let descending = false;
      if (this.#isWord('DESC') || this.#isWord('ASC')) descending = this.#next().text.toUpperCase() === 'DESC';
      out.push({ path: path.path, descending });
      if (this.#peek()?.text !== ',') return out;
      this.#next();
    }
  }
}

/**
 * Parses the `sql` option's SELECT against the table of the entity set it was sent to: the
 * subset Learn documents (columns with aliases, TOP, WHERE as a tree of column-op-constant
 * leaves, ORDER BY columns). Anything else is a 400 that names `sql` and the construct.
 */
export function parseSql(text: string, table: TableMetadata): SqlQuery {
  return new SqlParser(text, table).parse();
}
