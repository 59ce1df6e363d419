import { DataverseError } from '../errors/DataverseError.js';
import { dataverseErrors } from '../errors/dataverseErrors.js';
import type { ApiRequest, ApiResponse } from '../http/ApiMessage.js';
import { emptyResponse, jsonResponse } from '../http/ApiMessage.js';
import { parseJsonBody } from '../http/parseJsonBody.js';
import type { OperationCost } from '../latency/ServiceTimeSampler.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import type { MockContext } from '../MockContext.js';
import { parseKeySegment } from '../odata/parseKeySegment.js';
import { buildNewRow, buildUpdatedRow } from '../records/buildRow.js';
import { parseRecordBody } from '../records/parseRecordBody.js';
import type { Row } from '../store/Row.js';
import type { Resource } from '../routes/parseResourcePath.js';
import { GUID } from '../odata/guid.js';

function targetsOf(table: TableMetadata, request: ApiRequest, action: string): Record<string, unknown>[] {
  const body = parseJsonBody(request, table.entitySetName);
  const targets =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as { Targets?: unknown }).Targets
      : undefined;
  if (!Array.isArray(targets) || targets.length === 0) {
    throw dataverseErrors.payloadError(table.entitySetName, `${action} needs a non-empty "Targets" array.`);
  }
  const expected = `Microsoft.Dynamics.CRM.${table.logicalName}`;
  return targets.map((t, i) => {
    if (typeof t !== 'object' || t === null || Array.isArray(t))
      throw dataverseErrors.payloadError(table.entitySetName, `Targets[${i}] must be an object.`);
    const type = (t as Record<string, unknown>)['@odata.type'];
    if (type === undefined) {
      throw dataverseErrors.payloadError(
        table.entitySetName,
        `Targets[${i}]: the '@odata.type' annotation is required on every target of ${action}.`,
      );
    }
    if (typeof type !== 'string' || type.replace(/^#/, '') !== expected) {
      throw dataverseErrors.payloadError(
        table.entitySetName,
        `Targets[` +
          `${i}]: '@odata.type' is '${typeof type === 'string' ? type : JSON.stringify(type)}', but every target of ` +
          `${action} on ${table.entitySetName} must be '${expected}'.`,
      );
    }
    return t as Record<string, unknown>;
  });
}

/** Finds the row a target names: by its primary key value, or by `@odata.id` (key URL, e.g. alternate key). */
function findTarget(
  table: TableMetadata,
  target: Record<string, unknown>,
  ctx: MockContext,
  i: number,
): { row: Row | undefined; keyValues: Record<string, unknown> } {
  const pk = target[table.primaryKey];
  if (typeof pk === 'string' && GUID.test(pk))
    return { row: ctx.store.get(table.logicalName, pk.toLowerCase()), keyValues: { [table.primaryKey]: pk } };
  const odataId = target['@odata.id'];
  if (typeof odataId === 'string') {
    const m = /([A-Za-z_][A-Za-z0-9_]*)\((.*)\)$/s.exec(odataId);
    if (m?.[1] !== table.entitySetName)
      throw dataverseErrors.payloadError(
        table.entitySetName,
        `Targets[${i}]: '@odata.id' must address ${table.entitySetName}.`,
      );
    const key = parseKeySegment(m[2] ?? '', table);
    if (key.kind === 'primary')
      return { row: ctx.store.get(table.logicalName, key.id), keyValues: { [table.primaryKey]: key.id } };
    return { row: ctx.store.findByKey(table.logicalName, key.columns, key.values), keyValues: { ...key.values } };
  }
  throw dataverseErrors.payloadError(
    table.entitySetName,
    `Targets[${i}]: the primary key '${table.primaryKey}' or '@odata.id' is required.`,
  );
}

/**
 * The bulk messages CreateMultiple, UpdateMultiple and UpsertMultiple on standard tables:
 * all or nothing, `@odata.type` required on every target, all targets of the set's table.
 */
export function handleBulkAction(
  resource: Extract<Resource, { kind: 'action' }>,
  request: ApiRequest,
  ctx: MockContext,
): ApiResponse {
  const { table, action } = resource;
  if (action === 'DeleteMultiple') {
    throw new DataverseError(501, '0x80040216', 'DeleteMultiple has not yet been implemented.');
  }
  if (action !== 'CreateMultiple' && action !== 'UpdateMultiple' && action !== 'UpsertMultiple') {
    throw dataverseErrors.resourceNotFound(`Microsoft.Dynamics.CRM.${action}`);
  }
  const targets = targetsOf(table, request, action);
  const bodyCtx = { catalogue: ctx.catalogue, store: ctx.store, baseUrl: request.baseUrl };
  const costs: OperationCost[] = [{ kind: 'bulk' }];
  const ids = ctx.store.transaction(() =>
    targets.map((target, i) => {
      const data = Object.fromEntries(Object.entries(target).filter(([k]) => k !== '@odata.type' && k !== '@odata.id'));
      if (action === 'CreateMultiple') {
        costs.push({ kind: 'create', inBulk: true, table: table.logicalName });
        const row = buildNewRow(table, parseRecordBody(table, data, bodyCtx), ctx.store, ctx.now(), request.userId);
        ctx.store.insert(table.logicalName, row);
        return row.values[table.primaryKey] as string;
      }
      const { row: existing, keyValues } = findTarget(table, target, ctx, i);
      const changes = parseRecordBody(table, data, bodyCtx);
      if (existing !== undefined) {
        costs.push({ kind: 'update', inBulk: true, table: table.logicalName });
        for (const k of Object.keys(keyValues)) delete changes[k]; // eslint-disable-line @typescript-eslint/no-dynamic-delete -- key columns never change through an update
        const row = buildUpdatedRow(table, existing, changes, ctx.store, ctx.now());
        ctx.store.replace(table.logicalName, row);
        return row.values[table.primaryKey] as string;
      }
      if (action === 'UpdateMultiple') {
        const id = typeof keyValues[table.primaryKey] === 'string' ? (keyValues[table.primaryKey] as string) : '(key)';
        throw dataverseErrors.recordNotFound(table.logicalName, id);
      }
      costs.push({ kind: 'create', inBulk: true, table: table.logicalName });
      for (const [k, v] of Object.entries(keyValues)) if (changes[k] === undefined) changes[k] = v as never;
      const row = buildNewRow(table, changes, ctx.store, ctx.now(), request.userId);
      ctx.store.insert(table.logicalName, row);
      return row.values[table.primaryKey] as string;
    }),
  );
  if (action === 'CreateMultiple') {
    return {
      ...jsonResponse(200, {
        '@odata.context': `${request.baseUrl}$metadata#Microsoft.Dynamics.CRM.CreateMultipleResponse`,
        Ids: ids,
      }),
      cost: costs,
    };
  }
  return { ...emptyResponse(204), cost: costs };
}
