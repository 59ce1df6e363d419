import type { MockConfigInput } from '../../mock-server/index.js';

type TableInput = NonNullable<MockConfigInput['tables']>[number];

/** Mock config with one custom table, `new_project` (set `new_projects`), of the columns a test needs. */
export function projectTableConfig(
  columns: TableInput['columns'],
  extra: Omit<TableInput, 'logicalName' | 'entitySetName' | 'columns'> = {},
): MockConfigInput {
  return { tables: [{ logicalName: 'new_project', entitySetName: 'new_projects', columns, ...extra }] };
}

/**
 * `new_project` with a name, a budget and a lookup to account: a custom table that points at a
 * standard one, so `$metadata` and code generated from it must come from the same definitions
 * as the store.
 */
export const PROJECT_WITH_ACCOUNT: MockConfigInput = projectTableConfig([
  { name: 'new_name', type: 'string' },
  { name: 'new_budget', type: 'money' },
  { name: 'new_accountid', type: 'lookup', target: 'account', navigationProperty: 'new_AccountId' },
]);
