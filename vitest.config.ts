import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'mock-server/**/*.test.ts', 'protocol/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: more forks than that only adds scheduling noise to the timing-sensitive suites.
    maxWorkers: 2,
    reporters: ['default', './test/helpers/plainSummaryReporter.ts'],
  },
});
