import type { OperationKind } from '../config/mockConfigSchema.js';
import type { Resource } from './parseResourcePath.js';

/**
 * The latency and fault class of a request, from its method, resource and headers: a PATCH of
 * a record without `If-Match` or `If-None-Match` is an upsert (Dataverse looks the record up
 * first), with either it is an update.
 */
export function operationKindOf(
  method: string,
  resource: Resource,
  headers: Readonly<Record<string, string | string[] | undefined>> = {},
): OperationKind {
  if (resource.kind === 'batch' || resource.kind === 'action') return 'batch';
  // Associating or disassociating changes one lookup: an update of the referencing record.
  if (resource.kind === 'singleReference' || resource.kind === 'collectionReference') return 'update';
  switch (method) {
    case 'POST':
      return 'create';
    case 'PATCH':
      return resource.kind === 'record' && headers['if-match'] === undefined && headers['if-none-match'] === undefined
        ? 'upsert'
        : 'update';
    case 'PUT':
      return 'update';
    case 'DELETE':
      // Deleting one property's value is an update of the record.
      return resource.kind === 'property' ? 'update' : 'delete';
    default:
      return 'read';
  }
}
