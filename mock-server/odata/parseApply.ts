import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import type { Aggregate, AggregateMethod, GroupKey } from './aggregateRows.js';
import { compileFilter } from './compileFilter.js';
import type { QueryContext, RowPredicate } from './FilterContext.js';
import { parseFilter } from './parseFilter.js';
import { splitTopLevel } from './parseQueryOptions.js';
import { resolveProperty } from './resolveProperty.js';

/** A parsed `$apply`: filters to run first, then the group keys and aggregates. */
export interface Apply {
  readonly filters: RowPredicate[];
  readonly groupBy: GroupKey[];
  readonly aggregates: Aggregate[];
}

const METHODS = new Set(['sum', 'min', 'max', 'average', 'countdistinct']);
const NUMERIC = new Set(['int', 'decimal', 'money']);

function invalid(rule: string): Error {
  return dataverseErrors.querySyntax(`$apply: ${rule}`);
}

/** `revenue with sum as total`, or `$count as n`. */
function aggregateOf(text: string, table: TableMetadata, ctx: QueryContext): Aggregate {
  const count = /^\$count\s+as\s+([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
  if (count !== null) return { alias: count[1] ?? '', method: 'count', property: undefined };
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\s+with\s+([a-z]+)\s+as\s+([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
  if (m === null) throw invalid(`'${text}' is not '<property> with <method> as <alias>' or '$count as <alias>'.`);
  const [, name = '', method = '', alias = ''] = m;
  if (!METHODS.has(method))
    throw invalid(`'${method}' is not an aggregation method (sum, min, max, average, countdistinct).`);
  const property = resolveProperty(table, [name], ctx.catalogue, ctx.store);
  if ((method === 'sum' || method === 'average') && !NUMERIC.has(property.column.type))
    throw invalid(`${method} needs a number column; '${name}' is ${property.column.type}.`);
  return { alias, method: method as AggregateMethod, property };
}

/** `groupby((a,b),aggregate(…))`: the keys, and the aggregates that may follow them. */
function groupByOf(body: string, table: TableMetadata, ctx: QueryContext, apply: Apply): void {
  const [keys = '', ...rest] = splitTopLevel(body, ',');
  const names = /^\((.*)\)$/s.exec(keys)?.[1];
  if (names === undefined)
    throw invalid(`groupby takes a list of properties in parentheses: groupby((name),…); got '${keys}'.`);
  for (const name of names.split(',').map((n) => n.trim())) {
    const property = resolveProperty(table, [name], ctx.catalogue, ctx.store);
    // Learn: "groupby with datetime values isn't supported".
    if (property.column.type === 'datetime')
      throw invalid(`groupby on the date and time column '${name}' is not supported by Dataverse.`);
    apply.groupBy.push({ alias: name, property });
  }
  for (const inner of rest) {
    const agg = /^aggregate\((.*)\)$/s.exec(inner)?.[1];
    if (agg === undefined) throw invalid(`after groupby's properties, only aggregate(…) may follow; got '${inner}'.`);
    apply.aggregates.push(...splitTopLevel(agg, ',').map((a) => aggregateOf(a, table, ctx)));
  }
}

/**
 * Parses `$apply`: `filter(…)`, `groupby((…),aggregate(…))` and `aggregate(…)`, joined by `/`,
 * bound to the table (names and types checked; filters compiled for `caller`). Other
 * transformations, groupby on dates and unknown methods are a 400 naming them.
 */
export function parseApply(text: string, table: TableMetadata, caller: QueryContext): Apply {
  const apply: Apply = { filters: [], groupBy: [], aggregates: [] };
  for (const step of splitTopLevel(text, '/')) {
    const m = /^(filter|groupby|aggregate)\((.*)\)$/s.exec(step);
    if (m === null)
      throw invalid(
        `'${step}' is not a transformation the dvbench mock serves: filter, groupby and ` +
          `aggregate, those Learn documents for Dataverse.`,
      );
    const [, kind, body = ''] = m;
    if (kind === 'filter') {
      apply.filters.push(compileFilter(parseFilter(body), { table, ...caller }));
    } else if (kind === 'aggregate') {
      apply.aggregates.push(...splitTopLevel(body, ',').map((a) => aggregateOf(a, table, caller)));
    } else {
      groupByOf(body, table, caller, apply);
    }
  }
  if (apply.groupBy.length === 0 && apply.aggregates.length === 0) throw invalid('groupby or aggregate is needed.');
  return apply;
}
