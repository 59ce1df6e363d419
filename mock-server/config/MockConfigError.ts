import { DvbenchError } from '../../src/errors/DvbenchError.js';
import { EXIT } from '../../src/errors/errorCatalogue.js';

/**
 * A mistake in the mock's configuration: names the place (file, key path) and the rule. It is
 * the catalogue's `DVB_ERR_MOCK_CONFIG_INVALID` (exit 2), with the problems kept apart for
 * callers that word them their own way (`--profile: …`).
 */
export class MockConfigError extends DvbenchError {
  readonly problems: readonly string[];
  readonly source: string;

  constructor(source: string, problems: readonly string[]) {
    super(
      'DVB_ERR_MOCK_CONFIG_INVALID',
      `invalid mock configuration in ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      EXIT.invalidInput,
    );
    this.name = 'MockConfigError';
    this.problems = problems;
    this.source = source;
  }
}
