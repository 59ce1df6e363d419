import type { TableMetadata } from '../metadata/Catalogue.js';
import type { QueryOptions } from '../odata/QueryOptions.js';
import { builtQuery } from '../odata/QueryOptions.js';
import { parseQueryOptions, refuseOtherOptions } from '../odata/parseQueryOptions.js';
import { parseSql } from '../sql/parseSql.js';

/** A collection query (OData options, or a `?sql=` query) as the options the OData executor runs, and how its column aliases rename the answer. */
export interface SqlOptions {
  readonly options: QueryOptions;
  readonly rename: (record: Record<string, unknown>) => Record<string, unknown>;
}

/**
 * `GET /<set>?sql=SELECT …` (Learn: "Use SQL to query data"): the SELECT run by the same
 * executor as `$filter`, paged the same way (`$skiptoken` is the one option beside it). The
 * answer names each column by its alias; the primary key is always there, as in OData.
 */
export function collectionQuery(table: TableMetadata, query: string): SqlOptions {
  const sql = query.includes('sql=') ? new URLSearchParams(query).get('sql') : null;
  return sql === null ? { options: parseQueryOptions(query), rename: (r) => r } : sqlOptions(table, sql, query);
}

function sqlOptions(table: TableMetadata, sql: string, query: string): SqlOptions {
  const params = new URLSearchParams(query);
  refuseOtherOptions(params, ['$skiptoken'], "the query option 'sql'");
  const parsed = parseSql(sql, table);
  const select = [...new Set(parsed.columns.map((c) => c.property))];
  const options: QueryOptions = {
    ...builtQuery({ select, filter: parsed.filter, orderBy: parsed.orderBy, filterText: sql }),
    top: parsed.top,
    skipToken: params.get('$skiptoken') ?? undefined,
  };
  const renamed = parsed.columns.filter((c) => c.alias !== c.property);
  const rename = (record: Record<string, unknown>): Record<string, unknown> => {
    if (renamed.length === 0) return record;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record)) {
      const column = renamed.find((c) => key === c.property || key.startsWith(`${c.property}@`));
      out[column === undefined ? key : column.alias + key.slice(column.property.length)] = value;
    }
    return out;
  };
  return { options, rename };
}
