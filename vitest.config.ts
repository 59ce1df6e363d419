import { defineConfig } from 'vitest/config';

const shared = { testTimeout: 30_000, hookTimeout: 30_000 };

export default defineConfig({
  test: {
    reporters: ['default', './test/helpers/plainSummaryReporter.ts'],
    projects: [
      {
        test: {
          ...shared,
          name: 'parallel',
          include: [
            'src/**/*.test.ts',
            'mock-server/**/*.test.ts',
            'protocol/**/*.test.ts',
            'util/**/*.test.ts',
            'test/**/*.test.ts',
          ],
          exclude: ['test/serial/**', 'test/e2e/**', 'test/conformance/**', '**/node_modules/**'],
          // Two cores: more forks than that only adds scheduling noise to the timing-sensitive suites.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'serial',
          // Comparisons between runs: after everything else, one file at a time, on a quiet machine.
          include: ['test/serial/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...shared,
          name: 'conformance',
          // Clients from npm that nobody on this project wrote, with their own package.json:
          // `npm run test:conformance` installs them and runs these.
          include: ['test/conformance/**/*.test.ts'],
          exclude: ['**/node_modules/**'],
          sequence: { groupOrder: 3 },
        },
      },
      {
        test: {
          ...shared,
          name: 'e2e',
          // Whole user paths from the README, minutes each: `npm run test:e2e`, which CI runs after `npm test`.
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
