import { dataverseErrors } from '../errors/dataverseErrors.js';
import { MIRRORED, type FilterNode, type Literal, type Operand } from '../odata/FilterAst.js';
import { parseFilter } from '../odata/parseFilter.js';

type MetadataRecord = Readonly<Record<string, unknown>>;
type Test = (record: MetadataRecord) => boolean;

/**
 * An enum member as Dataverse writes it in a metadata filter
 * (`Microsoft.Dynamics.CRM.RelationshipType'OneToManyRelationship'`): in the JSON the mock answers
 * it is the member's name, so it is compared as that string.
 */
const ENUM_LITERAL = /Microsoft\.Dynamics\.CRM\.[A-Za-z]+'([^']*)'/g;

function propertyOf(operand: Operand, allowed: readonly string[], type: string): string | undefined {
  if (operand.kind !== 'property') return undefined;
  const [name, ...rest] = operand.path;
  if (name === undefined || rest.length > 0 || !allowed.includes(name))
    throw dataverseErrors.querySyntax(
      `Could not find a property named '${operand.path.join('/')}' on type 'Microsoft.Dynamics.CRM.${type}'.`,
    );
  return name;
}

function literalOf(operand: Operand): Literal['value'] {
  if (operand.kind !== 'literal')
    throw dataverseErrors.querySyntax('A metadata $filter compares a property with a value, not two properties.');
  return operand.value;
}

/** A metadata value as it compares: `Label`s by their user-localized text, everything else as it is. */
function comparable(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && 'UserLocalizedLabel' in value)
    return (value as { UserLocalizedLabel: { Label?: unknown } | null }).UserLocalizedLabel?.Label ?? null;
  return value;
}

function compare(op: string, a: unknown, b: Literal['value']): boolean {
  if (op === 'eq') return a === b;
  if (op === 'ne') return a !== b;
  if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return false;
  const [x, y] = [a, b as number | string];
  return op === 'gt' ? x > y : op === 'ge' ? x >= y : op === 'lt' ? x < y : x <= y;
}

function compile(node: FilterNode, allowed: readonly string[], type: string): Test {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const [l, r] = [compile(node.left, allowed, type), compile(node.right, allowed, type)];
      return node.kind === 'and' ? (x) => l(x) && r(x) : (x) => l(x) || r(x);
    }
    case 'not': {
      const inner = compile(node.operand, allowed, type);
      return (x) => !inner(x);
    }
    case 'boolProperty': {
      const name = propertyOf(node.property, allowed, type) ?? '';
      return (x) => x[name] === true;
    }
    case 'compare': {
      const left = propertyOf(node.left, allowed, type);
      const name = left ?? propertyOf(node.right, allowed, type);
      if (name === undefined) throw dataverseErrors.querySyntax('A metadata $filter must name a property.');
      const value = literalOf(left === undefined ? node.left : node.right);
      const op = left !== undefined ? node.op : MIRRORED[node.op];
      return (x) => compare(op, comparable(x[name]), value);
    }
    default:
      throw dataverseErrors.querySyntax(
        `The dvbench mock answers a metadata $filter with eq, ne, gt, ge, lt, le, and, or and not; ` +
          `'${node.kind === 'stringFunction' || node.kind === 'crmFunction' ? node.name : node.kind}' is not among them.`,
      );
  }
}

/**
 * A `$filter` over metadata records (tables, attributes, relationships): comparisons of their
 * properties with values, enum members by name (`RelationshipType eq
 * Microsoft.Dynamics.CRM.RelationshipType'OneToManyRelationship'`), joined by and, or and not.
 * A property the type does not have is a 400 naming it, as Dataverse's is.
 */
export function metadataFilter(text: string, allowed: readonly string[], type: string): Test {
  return compile(parseFilter(text.replace(ENUM_LITERAL, (_, name: string) => `'${name}'`)), allowed, type);
}
