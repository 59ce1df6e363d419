import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { Catalogue, TableMetadata } from '../metadata/Catalogue.js';
import { edmTypeOf, type ColumnDefinition } from '../metadata/TableDefinition.js';
import { parseKeySegment } from '../odata/parseKeySegment.js';
import type { CellValue } from '../store/Row.js';
import type { Store } from '../store/Store.js';
import { GUID } from '../odata/guid.js';

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

export interface BodyContext {
  readonly catalogue: Catalogue;
  readonly store: Store;
  readonly baseUrl: string;
  /** Resolves `$n` inside a changeset to the URL of the record that part created. */
  readonly contentIdUrl?: ((ref: string) => string | undefined) | undefined;
  /**
   * The body updates an existing record: `nav@odata.bind: null` disassociates (clears the
   * lookup), as Learn documents for PATCH. On a create it stays OData's 400.
   */
  readonly updating?: boolean;
}

/** Dataverse stores date and time to the second and returns it as `YYYY-MM-DDTHH:MM:SSZ`. */
/** The last second formatted: every write stamps a time, and thousands a second share one. */
let lastSecond = Number.NaN;
let lastText = '';

export function toDataverseDateTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastText = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
    lastSecond = second;
  }
  return lastText;
}

/**
 * A short, safe rendering of a bad value for the error message; never serialized (a deep one would
 * overflow the stack).
 */
function shownValue(value: unknown): string {
  if (typeof value === 'string') return value.slice(0, 200);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? '[array]' : `{${typeof value}}`;
}

interface Coercion {
  readonly column: ColumnDefinition;
  readonly table: TableMetadata;
  readonly bad: () => Error;
}

function coerceText(value: unknown, { column, table, bad }: Coercion): CellValue {
  if (typeof value !== 'string') throw bad();
  if (column.maxLength !== undefined && value.length > column.maxLength) {
    throw dataverseErrors.stringTooLong(column.name, table.logicalName, column.maxLength);
  }
  return value;
}

function coerceWhole(value: unknown, { column, bad }: Coercion): CellValue {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) throw bad();
  if (column.type === 'choice' && column.options !== undefined && !column.options.includes(value)) {
    throw dataverseErrors.invalidChoice(column.name, value);
  }
  return value;
}

function coerceDecimal(value: unknown, { bad }: Coercion): CellValue {
  // OData allows decimals as strings (IEEE754Compatible); accept both.
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw bad();
  return n;
}

function coerceDateTime(value: unknown, { bad }: Coercion): CellValue {
  if (typeof value !== 'string') throw bad();
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw bad();
  return toDataverseDateTime(ms);
}

/** How a JSON value becomes a cell, per column type; a wrong JSON type is Dataverse's "cannot convert" error. */
const COERCE: Readonly<Record<ColumnDefinition['type'], (value: unknown, c: Coercion) => CellValue>> = {
  string: coerceText,
  memo: coerceText,
  int: coerceWhole,
  choice: coerceWhole,
  decimal: coerceDecimal,
  money: coerceDecimal,
  bool: (value, { bad }) => {
    if (typeof value !== 'boolean') throw bad();
    return value;
  },
  datetime: coerceDateTime,
  guid: (value, { bad }) => {
    if (typeof value !== 'string' || !GUID.test(value)) throw bad();
    return value.toLowerCase();
  },
  lookup: (_value, { bad }) => {
    throw bad();
  },
};

function coerce(column: ColumnDefinition, value: unknown, table: TableMetadata): CellValue {
  if (value === null) return null;
  const bad = (): Error => dataverseErrors.invalidValue(shownValue(value), edmTypeOf(column));
  return COERCE[column.type](value, { column, table, bad });
}

/** The bind reference as `set(key)` below the Web API root, `$n` Content-ID references resolved. */
function relativeReference(reference: string, ctx: BodyContext): string {
  let ref = reference;
  if (ref.startsWith('$') && ctx.contentIdUrl !== undefined) {
    const resolved = ctx.contentIdUrl(ref);
    if (resolved === undefined) {
      throw dataverseErrors.badRequest(`Content-ID Reference: '${ref}' does not exist in the batch context.`);
    }
    ref = resolved;
  }
  if (ref.startsWith(ctx.baseUrl)) ref = ref.slice(ctx.baseUrl.length);
  else if (/^https?:\/\//.test(ref)) ref = ref.replace(/^https?:\/\/[^/]+\/api\/data\/v[0-9.]+\//, '');
  return ref.replace(/^\/api\/data\/v[0-9.]+\//, '').replace(/^\//, '');
}

/** The id of the record a key names, or Dataverse's 404 for it. */
function existingId(target: TableMetadata, keyText: string, ctx: BodyContext): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(keyText);
  } catch {
    throw dataverseErrors.invalidKey(target.logicalName);
  }
  const key = parseKeySegment(decoded, target);
  if (key.kind === 'primary') {
    if (ctx.store.get(target.logicalName, key.id) === undefined)
      throw dataverseErrors.recordNotFound(target.logicalName, key.id);
    return key.id;
  }
  const row = ctx.store.findByKey(target.logicalName, key.columns, key.values);
  if (row === undefined) throw dataverseErrors.recordNotFoundByKey(target.logicalName);
  return row.values[target.primaryKey] as string;
}

/**
 * The existing record an entity reference names (`@odata.bind`, `@odata.id`, `$id`): its table
 * and id, or Dataverse's 400 or 404. `what` names the reference in messages.
 */
export function resolveEntityReference(
  reference: string,
  entitySet: string,
  ctx: BodyContext,
  what = 'The @odata.bind value',
): { target: TableMetadata; id: string } {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\((.*)\)$/s.exec(relativeReference(reference, ctx));
  if (m === null)
    throw dataverseErrors.payloadError(entitySet, `${what} '${reference}' is not a valid entity reference.`);
  const target = ctx.catalogue.byEntitySet(m[1] ?? '');
  if (target === undefined) throw dataverseErrors.resourceNotFound(m[1] ?? '');
  return { target, id: existingId(target, m[2] ?? '', ctx) };
}

/**
 * Resolves an `@odata.bind` reference (`/accounts(id)`, `accounts(id)`, an absolute URL, the
 * alternate-key form, or `$n` in a changeset) to the id of an existing record of `expectedTable`.
 */
function resolveBind(reference: string, expectedTable: string, entitySet: string, ctx: BodyContext): string {
  const { target, id } = resolveEntityReference(reference, entitySet, ctx);
  if (target.logicalName !== expectedTable) {
    throw dataverseErrors.payloadError(
      entitySet,
      `The @odata.bind value '` +
        `${reference}' refers to '${target.logicalName}', but the navigation property expects '${expectedTable}'.`,
    );
  }
  return id;
}

/** `@odata.type` must name the table; other annotations on the body itself are ignored. */
function checkBodyAnnotation(table: TableMetadata, annotation: string, value: unknown): void {
  if (annotation !== 'odata.type' || typeof value !== 'string') return;
  const expected = `Microsoft.Dynamics.CRM.${table.logicalName}`;
  if (value.replace(/^#/, '') !== expected) {
    throw dataverseErrors.payloadError(table.entitySetName, `The @odata.type '${value}' does not match '${expected}'.`);
  }
}

/** `nav@odata.bind`: the lookup column it sets and the record it points at. */
function bindValue(table: TableMetadata, property: string, value: unknown, ctx: BodyContext): [string, CellValue] {
  const nav = table.navigationProperties.get(property);
  if (nav === undefined) throw dataverseErrors.undeclaredBindProperty(table.entitySetName, property);
  if (value === null && ctx.updating === true) return [nav.column.name, null];
  if (value === null) throw dataverseErrors.nullBind(table.entitySetName);
  if (typeof value !== 'string') {
    throw dataverseErrors.payloadError(table.entitySetName, `The @odata.bind value of '${property}' must be a string.`);
  }
  const id = resolveBind(value, nav.target.table, table.entitySetName, ctx);
  return [nav.column.name, { id, table: nav.target.table }];
}

/** A plain column's value; `undefined` for a read-only column, which Dataverse ignores. */
function columnValue(table: TableMetadata, name: string, value: unknown): CellValue | undefined {
  if (table.navigationProperties.has(name) && typeof value === 'object' && value !== null) {
    throw dataverseErrors.payloadError(
      table.entitySetName,
      `A related record inside the body ('${name}') is a deep insert, which only a create ` +
        `(POST) takes; use ${name}@odata.bind to set the lookup.`,
    );
  }
  const column = table.columns.get(name);
  if (column === undefined || column.type === 'lookup')
    throw dataverseErrors.invalidBodyProperty(name, table.logicalName);
  if (column.readOnly === true) return undefined;
  if (name === table.primaryKey && value === null) throw dataverseErrors.invalidValue('null', 'Edm.Guid');
  return coerce(column, value, table);
}

/**
 * Turns a create/update body into column changes, checking every property as Dataverse does:
 * unknown names, wrong types, lengths, choice values, and `@odata.bind` navigation properties.
 * Server-maintained columns are ignored.
 */
export function parseRecordBody(table: TableMetadata, body: unknown, ctx: BodyContext): Record<string, CellValue> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw dataverseErrors.payloadError(table.entitySetName, 'The request body must be a JSON object.');
  }
  const changes: Record<string, CellValue> = {};
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    const at = name.indexOf('@');
    if (at < 0) {
      const cell = columnValue(table, name, value);
      if (cell !== undefined) changes[name] = cell;
      continue;
    }
    const property = name.slice(0, at);
    const annotation = name.slice(at + 1);
    if (property === '') checkBodyAnnotation(table, annotation, value);
    else if (annotation === 'odata.bind') {
      const [column, cell] = bindValue(table, property, value, ctx);
      changes[column] = cell;
    }
  }
  return changes;
}
