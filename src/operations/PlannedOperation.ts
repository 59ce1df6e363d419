import { basename } from 'node:path';

/**
 * One planned unit of work, serializable so worker threads and processes run exactly the same
 * list. `ops` is how many Dataverse operations it counts as (a quote with 5 lines is 6).
 */
export type PlannedOperation =
  | {
      readonly kind: 'retrieve';
      readonly workload: number;
      readonly ops: 1;
      readonly set: string;
      readonly table: string;
      readonly id: string;
      readonly query: string;
    }
  | {
      readonly kind: 'query';
      readonly workload: number;
      readonly ops: 1;
      readonly set: string;
      readonly table: string;
      readonly pathAndQuery: string;
      readonly pageSize: number;
      readonly followPaging: boolean;
    }
  | {
      readonly kind: 'create';
      readonly workload: number;
      readonly ops: 1;
      readonly set: string;
      readonly table: string;
      /** The client-chosen primary key value (also in `record`). */
      readonly id: string;
      readonly record: Readonly<Record<string, unknown>>;
    }
  | {
      readonly kind: 'update';
      readonly workload: number;
      readonly ops: 1;
      readonly set: string;
      readonly table: string;
      readonly primaryKey: string;
      readonly id: string;
      readonly changes: Readonly<Record<string, unknown>>;
    }
  | {
      readonly kind: 'upsert';
      readonly workload: number;
      readonly ops: 1;
      readonly set: string;
      readonly table: string;
      readonly keyText: string;
      readonly record: Readonly<Record<string, unknown>>;
      /** The key is new: this upsert creates a record (else it updates a seeded one). */
      readonly creates: boolean;
    }
  | {
      readonly kind: 'delete';
      readonly workload: number;
      readonly ops: 1;
      readonly set: string;
      readonly table: string;
      readonly id: string;
    }
  | {
      readonly kind: 'unit';
      readonly workload: number;
      readonly ops: number;
      /** The first record's (the quote's) client-chosen id. */
      readonly id: string;
      /** Creates run as one changeset; later ones bind to the first with `$1`. */
      readonly creates: readonly {
        readonly set: string;
        readonly table: string;
        readonly record: Readonly<Record<string, unknown>>;
      }[];
      /** Planned to fail (an invalid last line), to prove the rollback. */
      readonly shouldFail: boolean;
    }
  | {
      readonly kind: 'script';
      readonly workload: number;
      readonly ops: 1;
      /** Absolute path of the user's module (resolved from the scenario's folder when it was loaded). */
      readonly module: string;
      /** The operation's number within its workload, from 0. */
      readonly index: number;
      /** What one call is declared to send (the workload's `sends`), for estimates. */
      readonly sends: readonly ('read' | 'create' | 'update' | 'upsert' | 'delete')[];
    };

/** The record an operation is about (its id, or its key for an upsert), for failure lists and the audit. */
export function operationTarget(op: PlannedOperation): string {
  switch (op.kind) {
    case 'query':
      return op.pathAndQuery;
    case 'upsert':
      return `${op.set}(${op.keyText})`;
    case 'script':
      return `${basename(op.module)} #${op.index}`;
    default:
      return op.id;
  }
}

/** `workload 2 (update account): accounts(<id>)`: names an operation in an error cause. */
export function describeOperation(op: PlannedOperation): string {
  if (op.kind === 'script') return `workload ${op.workload} (script ${basename(op.module)}): operation ${op.index}`;
  const what = op.kind === 'unit' ? 'transactional unit' : `${op.kind} ${op.table}`;
  const where =
    op.kind === 'query'
      ? op.pathAndQuery
      : op.kind === 'upsert'
        ? `${op.set}(${op.keyText})`
        : op.kind === 'unit'
          ? `quote ${op.id} and ${op.creates.length - 1} line(s)`
          : `${op.set}(${op.id})`;
  return `workload ${op.workload} (${what}): ${where.length > 200 ? `${where.slice(0, 200)}…` : where}`;
}
