import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { Catalogue, TableMetadata } from '../metadata/Catalogue.js';
import { parseKeySegment, type RecordKey } from '../odata/parseKeySegment.js';

export type Resource =
  | { readonly kind: 'serviceDocument' }
  | { readonly kind: 'metadata' }
  | { readonly kind: 'batch' }
  | { readonly kind: 'whoAmI' }
  | { readonly kind: 'collection'; readonly table: TableMetadata }
  | { readonly kind: 'count'; readonly table: TableMetadata }
  | { readonly kind: 'record'; readonly table: TableMetadata; readonly key: RecordKey; readonly keyText: string }
  | { readonly kind: 'action'; readonly table: TableMetadata; readonly action: string };

export const ACTION_PREFIX = 'Microsoft.Dynamics.CRM.';

export type ResourceKind = Resource['kind'];

/** Paths that name one resource, not a table. */
const FIXED_PATHS: Readonly<Record<string, Resource>> = {
  '': { kind: 'serviceDocument' },
  $metadata: { kind: 'metadata' },
  $batch: { kind: 'batch' },
  WhoAmI: { kind: 'whoAmI' },
  'WhoAmI()': { kind: 'whoAmI' },
};

/** `(key)` and what follows it; quotes are scanned, since a key may hold `/` and `)`. */
function recordResource(table: TableMetadata, rest: string): Resource {
  let i = 1;
  let quoted = false;
  for (; i < rest.length; i++) {
    const ch = rest.charAt(i);
    if (ch === "'") quoted = !quoted;
    else if (ch === ')' && !quoted) break;
  }
  if (i >= rest.length) throw dataverseErrors.invalidKey(table.logicalName);
  const keyText = rest.slice(1, i);
  const key = parseKeySegment(keyText, table);
  const after = rest.slice(i + 1);
  if (after === '' || after === '/') return { kind: 'record', table, key, keyText };
  // Single-property URLs (`accounts(id)/name`) exist in Dataverse; the mock does not serve them.
  throw dataverseErrors.resourceNotFound(after.replace(/^\//, '').split('/')[0] ?? '');
}

/** What follows an entity set's name: nothing, a key, `/$count` or a bound action. */
function tableResource(table: TableMetadata, rest: string): Resource {
  if (rest === '' || rest === '/') return { kind: 'collection', table };
  if (rest.startsWith('(')) return recordResource(table, rest);
  const segment = rest.replace(/^\//, '');
  if (segment === '$count') return { kind: 'count', table };
  if (segment.startsWith(ACTION_PREFIX) && !segment.slice(ACTION_PREFIX.length).includes('/')) {
    return { kind: 'action', table, action: segment.slice(ACTION_PREFIX.length) };
  }
  throw dataverseErrors.resourceNotFound(segment.split('/')[0] ?? segment);
}

/**
 * Parses the path below the Web API root. Keys may contain `/` and `)` inside quoted strings,
 * so the key is found by scanning quotes rather than by splitting on `/`.
 */
export function parseResourcePath(rawPath: string, catalogue: Catalogue): Resource {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw dataverseErrors.badRequest(`The request URI path '${rawPath}' is not validly percent-encoded.`);
  }
  const fixed = Object.hasOwn(FIXED_PATHS, path) ? FIXED_PATHS[path] : undefined;
  if (fixed !== undefined) return fixed;
  const nameMatch = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(path);
  const name = nameMatch?.[0] ?? path.split(/[/(]/)[0] ?? path;
  const table = catalogue.byEntitySet(name);
  if (table === undefined) throw dataverseErrors.resourceNotFound(name === '' ? path : name);
  return tableResource(table, path.slice(name.length));
}
