import { dataverseErrors } from '../errors/dataverseErrors.js';
import { chainOf, type ComparisonOperator, type FilterNode, type Operand, type PropertyPath } from './FilterAst.js';
import { tokenizeFilter, type Token } from './tokenizeFilter.js';

const COMPARISONS = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const STRING_FUNCTIONS = new Set(['contains', 'startswith', 'endswith']);
const CRM_PREFIX = 'Microsoft.Dynamics.CRM.';
const MAX_DEPTH = 100;

class FilterParser {
  readonly #tokens: Token[];
  readonly #text: string;
  #at = 0;
  #depth = 0;

  constructor(text: string) {
    this.#text = text;
    this.#tokens = tokenizeFilter(text);
  }

  parse(): FilterNode {
    if (this.#peek().kind === 'end') throw this.#syntaxError(this.#peek());
    const node = this.#or();
    if (this.#peek().kind !== 'end') throw this.#syntaxError(this.#peek());
    return node;
  }

  #peek(offset = 0): Token {
    return this.#tokens[Math.min(this.#at + offset, this.#tokens.length - 1)] as Token;
  }

  #next(): Token {
    const t = this.#peek();
    if (this.#at < this.#tokens.length - 1) this.#at++;
    return t;
  }

  #isWord(word: string, offset = 0): boolean {
    const t = this.#peek(offset);
    return t.kind === 'identifier' && t.text === word;
  }

  #expect(kind: Token['kind']): Token {
    const t = this.#next();
    if (t.kind !== kind) throw this.#syntaxError(t);
    return t;
  }

  #syntaxError(token: Token): Error {
    return dataverseErrors.querySyntax(`Syntax error at position ${token.position} in '${this.#text}'.`);
  }

  #or(): FilterNode {
    return chainOf(
      'or',
      () => this.#and(),
      () => this.#take('or'),
    );
  }

  #and(): FilterNode {
    return chainOf(
      'and',
      () => this.#unary(),
      () => this.#take('and'),
    );
  }

  /** Whether the next token is `word`; if so, it is taken. */
  #take(word: string): boolean {
    if (!this.#isWord(word)) return false;
    this.#next();
    return true;
  }

  #unary(): FilterNode {
    // Bounded so a hostile expression cannot exhaust the stack; Dataverse rejects deep trees too.
    if (++this.#depth > MAX_DEPTH) {
      throw dataverseErrors.querySyntax(
        `The $filter expression is nested deeper than ${MAX_DEPTH} levels at position ${this.#peek().position}.`,
      );
    }
    try {
      if (this.#isWord('not')) {
        this.#next();
        return { kind: 'not', operand: this.#unary() };
      }
      return this.#primary();
    } finally {
      this.#depth--;
    }
  }

  #primary(): FilterNode {
    const t = this.#peek();
    if (t.kind === 'open') {
      this.#next();
      const inner = this.#or();
      this.#expect('close');
      return this.#maybeComparisonAfterGroup(inner);
    }
    if (t.kind === 'identifier' && this.#peek(1).kind === 'open') return this.#functionCall();
    const left = this.#operand();
    const opToken = this.#peek();
    if (opToken.kind === 'identifier' && COMPARISONS.has(opToken.text)) {
      this.#next();
      const right = this.#operand();
      return { kind: 'compare', op: opToken.text as ComparisonOperator, left, right };
    }
    if (left.kind === 'property') return { kind: 'boolProperty', property: left };
    throw this.#syntaxError(opToken);
  }

  #maybeComparisonAfterGroup(inner: FilterNode): FilterNode {
    const t = this.#peek();
    if (t.kind === 'identifier' && COMPARISONS.has(t.text)) throw this.#syntaxError(t);
    return inner;
  }

  #operand(): Operand {
    const t = this.#next();
    switch (t.kind) {
      case 'string':
        // Double quotes are OData's only inside a function's value array; a comparison needs 'x'.
        if (t.text.startsWith('"'))
          throw dataverseErrors.querySyntax(
            `Syntax error at position ${t.position} in '${this.#text}': string literals are single-quoted in OData: write '${t.value ?? ''}', not "${t.value ?? ''}".`,
          );
        return { kind: 'literal', type: 'string', value: t.value ?? '', text: t.text };
      case 'number': {
        const value = Number(t.text.replace(/[mMdDfFlL]$/, ''));
        if (!Number.isFinite(value)) throw this.#syntaxError(t);
        return { kind: 'literal', type: 'number', value, text: t.text };
      }
      case 'guid':
        return { kind: 'literal', type: 'guid', value: t.text.toLowerCase(), text: t.text };
      case 'datetime':
      case 'date': {
        const ms = Date.parse(t.kind === 'date' ? `${t.text}T00:00:00Z` : t.text);
        if (Number.isNaN(ms)) throw this.#syntaxError(t);
        return { kind: 'literal', type: t.kind, value: ms, text: t.text };
      }
      case 'identifier':
        return this.#identifierOperand(t);
      default:
        throw this.#syntaxError(t);
    }
  }

  /** `true`, `false`, `null`, or a property path; a keyword or a dotted name here is a syntax error. */
  #identifierOperand(t: Token): Operand {
    if (t.text === 'true' || t.text === 'false') {
      return { kind: 'literal', type: 'bool', value: t.text === 'true', text: t.text };
    }
    if (t.text === 'null') return { kind: 'literal', type: 'null', value: null, text: t.text };
    if (t.text.includes('.') || /^(and|or|not|eq|ne|gt|ge|lt|le)$/.test(t.text)) throw this.#syntaxError(t);
    return { kind: 'property', path: t.text.split('/'), position: t.position } satisfies PropertyPath;
  }

  #functionCall(): FilterNode {
    const nameToken = this.#next();
    this.#expect('open');
    // `nav/any(…)`, or inside another lambda `x/nav/any(…)` (the outer variable is taken off later).
    const lambda = /^((?:[A-Za-z_][A-Za-z0-9_]*\/)?[A-Za-z_][A-Za-z0-9_]*)\/(any|all)$/.exec(nameToken.text);
    if (lambda !== null) return this.#lambda(nameToken, lambda[1] ?? '', lambda[2] === 'all' ? 'all' : 'any');
    if (STRING_FUNCTIONS.has(nameToken.text)) {
      const property = this.#operand();
      if (property.kind !== 'property') throw this.#syntaxError(nameToken);
      this.#expect('comma');
      const valueToken = this.#peek();
      const value = this.#operand();
      if (value.kind !== 'literal' || value.type !== 'string') throw this.#syntaxError(valueToken);
      this.#expect('close');
      return {
        kind: 'stringFunction',
        name: nameToken.text as 'contains' | 'startswith' | 'endswith',
        property,
        value,
      };
    }
    if (nameToken.text.startsWith(CRM_PREFIX)) {
      const args: Record<string, string | number | (string | number)[]> = {};
      if (this.#peek().kind !== 'close') {
        for (;;) {
          const argName = this.#expect('identifier').text;
          this.#expect('equals');
          args[argName] = this.#argumentValue();
          if (this.#peek().kind === 'comma') {
            this.#next();
            continue;
          }
          break;
        }
      }
      this.#expect('close');
      return { kind: 'crmFunction', name: nameToken.text.slice(CRM_PREFIX.length), position: nameToken.position, args };
    }
    throw dataverseErrors.querySyntax(
      `An unknown function with name '${nameToken.text}' was found. This may also be a function ` +
        `import or a key lookup on a navigation property, which is not allowed.`,
    );
  }

  /** `nav/any(x: …)`, `nav/all(x: …)`, or `nav/any()`: the body is parsed, then its paths made relative to `nav`. */
  #lambda(nameToken: Token, navigation: string, quantifier: 'any' | 'all'): FilterNode {
    if (this.#peek().kind === 'close') {
      this.#next();
      if (quantifier === 'all') throw this.#syntaxError(nameToken);
      return { kind: 'lambda', quantifier, navigation, predicate: undefined, position: nameToken.position };
    }
    const variable = this.#expect('identifier');
    this.#expect('colon');
    const body = this.#or();
    this.#expect('close');
    const predicate = withoutVariable(body, variable.text, this.#text);
    return { kind: 'lambda', quantifier, navigation, predicate, position: nameToken.position };
  }

  #argumentValue(): string | number | (string | number)[] {
    const t = this.#next();
    if (t.kind === 'string') return t.value ?? '';
    if (t.kind === 'number') return Number(t.text);
    if (t.kind === 'openBracket') {
      const values: (string | number)[] = [];
      while (this.#peek().kind !== 'closeBracket') {
        const v = this.#next();
        if (v.kind === 'string') values.push(v.value ?? '');
        else if (v.kind === 'number') values.push(Number(v.text));
        else throw this.#syntaxError(v);
        if (this.#peek().kind === 'comma') this.#next();
        else if (this.#peek().kind !== 'closeBracket') throw this.#syntaxError(this.#peek());
      }
      this.#next();
      return values;
    }
    throw this.#syntaxError(t);
  }
}

function relativePath(path: PropertyPath, variable: string, text: string): PropertyPath {
  if (path.path[0] !== variable || path.path.length < 2) {
    throw dataverseErrors.querySyntax(
      `Inside a lambda, properties are read through its variable ('` +
        `${variable}/<property>'); '${path.path.join('/')}' at position ${path.position} in '${text}' is not.`,
    );
  }
  return { ...path, path: path.path.slice(1) };
}

/** The lambda body with every property path read through its variable, made relative to the related table. */
function withoutVariable(node: FilterNode, variable: string, text: string): FilterNode {
  const operand = (o: Operand): Operand => (o.kind === 'property' ? relativePath(o, variable, text) : o);
  switch (node.kind) {
    case 'and':
    case 'or':
      return {
        ...node,
        left: withoutVariable(node.left, variable, text),
        right: withoutVariable(node.right, variable, text),
      };
    case 'not':
      return { ...node, operand: withoutVariable(node.operand, variable, text) };
    case 'compare':
      return { ...node, left: operand(node.left), right: operand(node.right) };
    case 'stringFunction':
    case 'boolProperty':
      return { ...node, property: relativePath(node.property, variable, text) };
    case 'crmFunction': {
      const name = node.args.PropertyName;
      if (typeof name !== 'string') return node;
      const property = relativePath(
        { kind: 'property', path: name.split('/'), position: node.position },
        variable,
        text,
      );
      return { ...node, args: { ...node.args, PropertyName: property.path.join('/') } };
    }
    case 'lambda': {
      // A nested lambda's own body is already relative to its table; only its navigation is read through this variable.
      const navigation = relativePath(
        { kind: 'property', path: node.navigation.split('/'), position: node.position },
        variable,
        text,
      );
      return { ...node, navigation: navigation.path.join('/') };
    }
  }
}

/** Parses a `$filter` expression; a syntax error is a 400 naming the position, as Dataverse's is. */
export function parseFilter(text: string): FilterNode {
  return new FilterParser(text).parse();
}
