import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { FilterNode } from './FilterAst.js';
import type { FilterContext, RowPredicate } from './FilterContext.js';
import { comparable, compareComparable } from './compareCells.js';
import { resolveProperty, type ResolvedProperty } from './resolveProperty.js';
import { isLookupValue } from '../store/Row.js';

type CrmFunctionNode = Extract<FilterNode, { kind: 'crmFunction' }>;

const DAY = 86_400_000;

function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

function startOfUtcMonth(ms: number, offsetMonths = 0): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offsetMonths, 1);
}

function startOfUtcYear(ms: number, offsetYears = 0): number {
  return Date.UTC(new Date(ms).getUTCFullYear() + offsetYears, 0, 1);
}

/**
 * Date ranges `[from, to)` for the relative date functions, evaluated in UTC (Dataverse uses
 * the caller's time zone; the mock's users all live in UTC).
 */
const DATE_RANGES: Record<string, (now: number, n: number) => [number, number]> = {
  Today: (now) => [startOfUtcDay(now), startOfUtcDay(now) + DAY],
  Yesterday: (now) => [startOfUtcDay(now) - DAY, startOfUtcDay(now)],
  Tomorrow: (now) => [startOfUtcDay(now) + DAY, startOfUtcDay(now) + 2 * DAY],
  ThisMonth: (now) => [startOfUtcMonth(now), startOfUtcMonth(now, 1)],
  LastMonth: (now) => [startOfUtcMonth(now, -1), startOfUtcMonth(now)],
  NextMonth: (now) => [startOfUtcMonth(now, 1), startOfUtcMonth(now, 2)],
  ThisYear: (now) => [startOfUtcYear(now), startOfUtcYear(now, 1)],
  LastYear: (now) => [startOfUtcYear(now, -1), startOfUtcYear(now)],
  LastXDays: (now, n) => [startOfUtcDay(now) - n * DAY, now],
  NextXDays: (now, n) => [now, startOfUtcDay(now) + (n + 1) * DAY],
  LastXHours: (now, n) => [now - n * 3_600_000, now],
  NextXHours: (now, n) => [now, now + n * 3_600_000],
};

const X_FUNCTIONS = new Set(['LastXDays', 'NextXDays', 'LastXHours', 'NextXHours']);

/** The caller's own records (`ownerid` and other user lookups): the user hierarchy functions are not served. */
const USER_FUNCTIONS: Readonly<Record<string, { equal: boolean }>> = {
  EqualUserId: { equal: true },
  NotEqualUserId: { equal: false },
};

function fail(node: CrmFunctionNode, rule: string): Error {
  return dataverseErrors.querySyntax(`Microsoft.Dynamics.CRM.${node.name} at position ${node.position}: ${rule}`);
}

function literalFor(type: string, raw: string | number): string | number | boolean {
  if (type === 'int' || type === 'decimal' || type === 'money' || type === 'choice') {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw dataverseErrors.invalidValue(String(raw), 'Edm.Decimal');
    return n;
  }
  if (type === 'datetime') {
    const ms = Date.parse(String(raw));
    if (Number.isNaN(ms)) throw dataverseErrors.invalidValue(String(raw), 'Edm.DateTimeOffset');
    return ms;
  }
  return String(raw).toLowerCase();
}

/** The relative date functions: the column's value within the range from now. */
function datePredicate(
  node: CrmFunctionNode,
  prop: ResolvedProperty,
  range: (now: number, n: number) => [number, number],
  ctx: FilterContext,
): RowPredicate {
  if (prop.column.type !== 'datetime')
    throw fail(node, `'${String(node.args.PropertyName)}' is not a date and time column`);
  let n = 0;
  if (X_FUNCTIONS.has(node.name)) {
    n = Number(node.args.PropertyValue);
    if (!Number.isInteger(n) || n < 0) throw fail(node, 'PropertyValue must be a whole number of days or hours');
  }
  return (row) => {
    const [from, to] = range(ctx.now(), n);
    const v = comparable(prop.get(row), true);
    return typeof v === 'number' ? v >= from && v < to : null;
  };
}

/** `EqualUserId` / `NotEqualUserId`: the column holds (or not) the caller's id. */
function userPredicate(
  node: CrmFunctionNode,
  prop: ResolvedProperty,
  equal: boolean,
  ctx: FilterContext,
): RowPredicate {
  if (prop.column.type !== 'lookup' && prop.column.type !== 'guid')
    throw fail(node, `'${String(node.args.PropertyName)}' is not a lookup or unique identifier column`);
  const caller = ctx.userId?.toLowerCase();
  return (row) => {
    const v = prop.get(row);
    const id = isLookupValue(v) ? v.id : typeof v === 'string' ? v : null;
    return id === null ? null : (id.toLowerCase() === caller) === equal;
  };
}

/** The subset of Dataverse's query functions the mock evaluates; others are a 400 naming the function. */
export function crmFunctionPredicate(node: CrmFunctionNode, ctx: FilterContext): RowPredicate {
  const propertyName = node.args.PropertyName;
  if (typeof propertyName !== 'string') throw fail(node, "PropertyName='<column>' is required");
  // The query functions name columns by logical name, a lookup included (`PropertyName='ownerid'`).
  const path = propertyName.split('/');
  const lookup = path.length === 1 && ctx.table.columns.get(propertyName)?.type === 'lookup';
  const prop = resolveProperty(ctx.table, lookup ? [`_${propertyName}_value`] : path, ctx.catalogue, ctx.store);
  const isDate = prop.column.type === 'datetime';
  const range = DATE_RANGES[node.name];
  if (range !== undefined) return datePredicate(node, prop, range, ctx);
  const user = USER_FUNCTIONS[node.name];
  if (user !== undefined) return userPredicate(node, prop, user.equal, ctx);
  const values = node.args.PropertyValues;
  if (!Array.isArray(values)) throw fail(node, 'PropertyValues=[...] is required');
  const literals = (values as readonly (string | number)[]).map((v) => literalFor(prop.column.type, v));
  switch (node.name) {
    case 'In':
    case 'NotIn': {
      const set = new Set(literals);
      const wantIn = node.name === 'In';
      return (row) => {
        const v = comparable(prop.get(row), isDate);
        return v === null ? null : set.has(v) === wantIn;
      };
    }
    case 'Between':
    case 'NotBetween': {
      if (literals.length !== 2) throw fail(node, 'PropertyValues must hold exactly two values');
      const [low = null, high = null] = literals;
      const wantIn = node.name === 'Between';
      return (row) => {
        const v = comparable(prop.get(row), isDate);
        if (v === null) return null;
        const inside = compareComparable(v, low) >= 0 && compareComparable(v, high) <= 0;
        return inside === wantIn;
      };
    }
    default:
      throw fail(node, 'this query function is not supported by the mock');
  }
}
