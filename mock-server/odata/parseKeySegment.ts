import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import type { ColumnDefinition } from '../metadata/TableDefinition.js';
import type { CellValue } from '../store/Row.js';
import { GUID } from './guid.js';

/** A record address from a URL: `(guid)`, `(accountid=guid)`, `(accountnumber='A-1')`, `(k1='a',k2=2)`. */
export type RecordKey =
  | { readonly kind: 'primary'; readonly id: string }
  | {
      readonly kind: 'alternate';
      readonly columns: readonly string[];
      readonly values: Readonly<Record<string, CellValue>>;
      readonly text: string;
    };

interface RawPair {
  readonly name: string | undefined;
  readonly raw: string;
}

/** Splits the text between the parentheses into name=value pairs, respecting quoted strings. */
function splitPairs(text: string): RawPair[] | undefined {
  const pairs: RawPair[] = [];
  let i = 0;
  while (i < text.length) {
    let name: string | undefined;
    const eq = /^([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(text.slice(i));
    if (eq !== null) {
      name = eq[1];
      i += eq[0].length;
    }
    let j = i;
    if (text.charAt(j) === "'") {
      j++;
      for (;;) {
        if (j >= text.length) return undefined;
        if (text.charAt(j) === "'") {
          if (text.charAt(j + 1) === "'") {
            j += 2;
            continue;
          }
          j++;
          break;
        }
        j++;
      }
    } else {
      while (j < text.length && text.charAt(j) !== ',') j++;
    }
    pairs.push({ name, raw: text.slice(i, j).trim() });
    if (j < text.length) {
      if (text.charAt(j) !== ',') return undefined;
      j++;
      if (j >= text.length) return undefined;
    }
    i = j;
  }
  return pairs;
}

function literalValue(raw: string): string | number | boolean | undefined {
  if (raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2) return raw.slice(1, -1).replace(/''/g, "'");
  if (GUID.test(raw)) return raw.toLowerCase();
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return undefined;
}

/** Whether a key literal has the shape its column's type needs (a quoted string, a GUID, a number). */
function fitsColumn(column: ColumnDefinition, raw: string, value: string | number | boolean): boolean {
  switch (column.type) {
    case 'string':
    case 'memo':
      return raw.startsWith("'");
    case 'guid':
    case 'lookup':
      return typeof value === 'string' && GUID.test(raw);
    case 'int':
    case 'decimal':
    case 'money':
    case 'choice':
      return typeof value === 'number';
    case 'datetime':
      return typeof value === 'string';
    default:
      return false;
  }
}

/** A bare GUID, or the primary key named: `(id)` or `(accountid=id)`. */
function primaryKeyOf(pairs: readonly RawPair[], table: TableMetadata): RecordKey | undefined {
  const only = pairs.length === 1 ? pairs[0] : undefined;
  if (only === undefined || (only.name !== undefined && only.name !== table.primaryKey)) return undefined;
  if (!GUID.test(only.raw)) throw dataverseErrors.invalidKey(table.logicalName);
  return { kind: 'primary', id: only.raw.toLowerCase() };
}

/**
 * Parses the key text (without its parentheses) against a table's primary and alternate keys.
 * Anything that is not a declared key, or a value of the wrong type, is Dataverse's
 * "The key in the request URI is not valid" error.
 */
export function parseKeySegment(text: string, table: TableMetadata): RecordKey {
  const pairs = splitPairs(text);
  if (pairs === undefined || pairs.length === 0) throw dataverseErrors.invalidKey(table.logicalName);
  const primary = primaryKeyOf(pairs, table);
  if (primary !== undefined) return primary;
  if (pairs.some((p) => p.name === undefined)) throw dataverseErrors.invalidKey(table.logicalName);
  const values: Record<string, CellValue> = {};
  const columns: string[] = [];
  for (const { name = '', raw } of pairs) {
    const column = table.lookupValueNames.get(name) ?? table.columns.get(name);
    const value = literalValue(raw);
    if (column === undefined || value === undefined || columns.includes(column.name) || !fitsColumn(column, raw, value))
      throw dataverseErrors.invalidKey(table.logicalName);
    columns.push(column.name);
    values[column.name] = column.type === 'lookup' ? { id: value as string, table: '' } : value;
  }
  const wanted = [...columns].sort().join(',');
  const declared = table.definition.alternateKeys.some((k) => [...k].sort().join(',') === wanted);
  if (!declared) throw dataverseErrors.invalidKey(table.logicalName);
  return { kind: 'alternate', columns, values, text };
}
