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
  if (path === '') return { kind: 'serviceDocument' };
  if (path === '$metadata') return { kind: 'metadata' };
  if (path === '$batch') return { kind: 'batch' };
  if (path === 'WhoAmI' || path === 'WhoAmI()') return { kind: 'whoAmI' };
  const nameMatch = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(path);
  const name = nameMatch?.[0] ?? path.split(/[/(]/)[0] ?? path;
  const table = catalogue.byEntitySet(name);
  if (table === undefined) throw dataverseErrors.resourceNotFound(name === '' ? path : name);
  let rest = path.slice(name.length);
  if (rest === '' || rest === '/') return { kind: 'collection', table };
  if (rest.startsWith('(')) {
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
    rest = rest.slice(i + 1);
    if (rest === '' || rest === '/') return { kind: 'record', table, key, keyText };
    const segment = rest.replace(/^\//, '').split('/')[0] ?? '';
    // Single-property URLs (`accounts(id)/name`) exist in Dataverse; the mock does not serve them.
    throw dataverseErrors.resourceNotFound(segment);
  }
  const segment = rest.replace(/^\//, '');
  if (segment === '$count') return { kind: 'count', table };
  if (segment.startsWith(ACTION_PREFIX) && !segment.slice(ACTION_PREFIX.length).includes('/')) {
    return { kind: 'action', table, action: segment.slice(ACTION_PREFIX.length) };
  }
  throw dataverseErrors.resourceNotFound(segment.split('/')[0] ?? segment);
}
