/** A mistake in the mock's configuration: names the place (file, key path) and the rule. */
export class MockConfigError extends Error {
  readonly code = 'DVB_ERR_MOCK_CONFIG_INVALID';
  readonly problems: readonly string[];
  readonly source: string;

  constructor(source: string, problems: readonly string[]) {
    super(`invalid mock configuration in ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'MockConfigError';
    this.problems = problems;
    this.source = source;
  }
}
