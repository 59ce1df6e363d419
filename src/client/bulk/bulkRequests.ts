/** A bulk message ready to POST: the path below the Web API root and the JSON body. */
export interface BulkRequest {
  readonly path: string;
  readonly body: { readonly Targets: readonly Record<string, unknown>[] };
  readonly records: number;
}

function targets(logicalName: string, records: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return records.map((r) => ({ '@odata.type': `Microsoft.Dynamics.CRM.${logicalName}`, ...r }));
}

/** `CreateMultiple`: answers 200 `{"Ids":[…]}`; all or nothing on standard tables. */
export function createMultiple(
  entitySet: string,
  logicalName: string,
  records: readonly Record<string, unknown>[],
): BulkRequest {
  return {
    path: `${entitySet}/Microsoft.Dynamics.CRM.CreateMultiple`,
    body: { Targets: targets(logicalName, records) },
    records: records.length,
  };
}

/** `UpdateMultiple`: each record carries its primary key; answers 204. */
export function updateMultiple(
  entitySet: string,
  logicalName: string,
  records: readonly Record<string, unknown>[],
): BulkRequest {
  return {
    path: `${entitySet}/Microsoft.Dynamics.CRM.UpdateMultiple`,
    body: { Targets: targets(logicalName, records) },
    records: records.length,
  };
}

/**
 * `UpsertMultiple`: each record is identified by its primary key or by `@odata.id`, e.g.
 * `accounts(accountnumber='A-1')` for an alternate key; answers 204.
 */
export function upsertMultiple(
  entitySet: string,
  logicalName: string,
  records: readonly Record<string, unknown>[],
): BulkRequest {
  return {
    path: `${entitySet}/Microsoft.Dynamics.CRM.UpsertMultiple`,
    body: { Targets: targets(logicalName, records) },
    records: records.length,
  };
}
