import { mockConfigSchema, type MockConfig } from './mockConfigSchema.js';
import { MockConfigError } from './MockConfigError.js';
import { formatIssuePath } from '../../util/formatIssuePath.js';
import { deepFreeze } from '../../util/deepFreeze.js';
import { Catalogue } from '../metadata/Catalogue.js';
import { applyProfile } from '../profiles/applyProfile.js';

/**
 * Validates a mock configuration once and returns it deep-frozen. `source` names where the
 * input came from (a file path, "--config", "scenario mock block") for the error message.
 */
export function parseMockConfig(input: unknown, source = 'mock configuration'): MockConfig {
  // A `profile` key is resolved here for library users; the CLI resolves it earlier, with its fallback.
  const withProfile =
    typeof input === 'object' && input !== null && 'profile' in input ? applyProfile(input).input : input;
  const result = mockConfigSchema.safeParse(withProfile ?? {});
  if (!result.success) {
    throw new MockConfigError(
      source,
      result.error.issues.map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`),
    );
  }
  const { catalogue, problems } = Catalogue.build(result.data.tables);
  // A misspelt table would never match an operation: the plug-in would silently cost nothing.
  result.data.plugins.forEach((p, i) => {
    if (catalogue.byLogicalName(p.table) === undefined)
      problems.push(`plugins[${i}].table: '${p.table}' is not a table of the mock (a logical name, e.g. account)`);
  });
  if (problems.length > 0) throw new MockConfigError(source, problems);
  return deepFreeze(result.data);
}
