import type { OperationKind } from '../config/mockConfigSchema.js';
import type { Resource } from './parseResourcePath.js';

/** The latency and fault class of a request, from its method and resource. */
export function operationKindOf(method: string, resource: Resource): OperationKind {
  if (resource.kind === 'batch' || resource.kind === 'action') return 'batch';
  switch (method) {
    case 'POST':
      return 'create';
    case 'PATCH':
    case 'PUT':
      return 'update';
    case 'DELETE':
      return 'delete';
    default:
      return 'read';
  }
}
