import type { MockConfigInput } from '../../mock-server/index.js';

type TableInput = NonNullable<MockConfigInput['tables']>[number];

/** Mock config with one custom table, `new_project` (set `new_projects`), of the columns a test needs. */
export function projectTableConfig(
  columns: TableInput['columns'],
  extra: Omit<TableInput, 'logicalName' | 'entitySetName' | 'columns'> = {},
): MockConfigInput {
  return { tables: [{ logicalName: 'new_project', entitySetName: 'new_projects', columns, ...extra }] };
}
