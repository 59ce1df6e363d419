/** A bulk message ready to POST: the path below the Web API root and the JSON body. */
export interface BulkRequest {
  readonly path: string;
  readonly body: { readonly Targets: readonly Record<string, unknown>[] };
  readonly records: number;
}

function targets(logicalName: string, records: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return records.map((r) => ({ '@odata.type': `Microsoft.Dynamics.CRM.${logicalName}`, ...r }));
}

type BulkAction = 'CreateMultiple' | 'UpdateMultiple' | 'UpsertMultiple';

function bulkMessage(
  action: BulkAction,
  entitySet: string,
  logicalName: string,
  records: readonly Record<string, unknown>[],
): BulkRequest {
  return {
    path: `${entitySet}/Microsoft.Dynamics.CRM.${action}`,
    body: { Targets: targets(logicalName, records) },
    records: records.length,
  };
}

/** `CreateMultiple`: answers 200 `{"Ids":[…]}`; all or nothing on standard tables. */
export const createMultiple = bulkMessage.bind(undefined, 'CreateMultiple');

/** `UpdateMultiple`: each record carries its primary key; answers 204. */
export const updateMultiple = bulkMessage.bind(undefined, 'UpdateMultiple');

/**
 * `UpsertMultiple`: each record is identified by its primary key or by `@odata.id`, e.g.
 * `accounts(accountnumber='A-1')` for an alternate key; answers 204.
 */
export const upsertMultiple = bulkMessage.bind(undefined, 'UpsertMultiple');
