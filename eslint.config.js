// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importBoundaries } from './tools/eslint/importBoundaries.js';

/**
 * The layers, bottom to top: a module imports from its own layer or below (docs/architecture.md).
 * Tests sit outside them: a test may reach any layer.
 */
const LAYERS = [
  { name: 'foundations', paths: ['util', 'protocol', 'src/errors', 'src/output'] },
  { name: 'mock', paths: ['mock-server'] },
  { name: 'client and metrics', paths: ['src/client', 'src/metrics'] },
  { name: 'operations', paths: ['src/operations'] },
  { name: 'strategies', paths: ['src/strategies'] },
  { name: 'scenario', paths: ['src/scenario'] },
  { name: 'estimate', paths: ['src/estimate'] },
  { name: 'target', paths: ['src/target'] },
  { name: 'runner', paths: ['src/runner'] },
  { name: 'load and calibrate', paths: ['src/load', 'src/calibrate'] },
  { name: 'report', paths: ['src/report'] },
  { name: 'library and cli', paths: ['src/library', 'src/cli', 'src/index.ts'] },
  { name: 'tools', paths: ['bench', 'scripts'] },
];

export default tseslint.config(
  { ignores: ['dist/', 'dist-tools/', 'reports/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    ignores: ['**/*.test.ts', 'test/**'],
    plugins: { dvbench: importBoundaries },
    rules: {
      'dvbench/no-cycle': 'error',
      'dvbench/layers': ['error', { layers: LAYERS }],
    },
  },
  {
    files: [
      'src/**/*.ts',
      'mock-server/**/*.ts',
      'protocol/**/*.ts',
      'util/**/*.ts',
      'bench/**/*.ts',
      'scripts/**/*.ts',
    ],
    ignores: ['**/*.test.ts'],
    // Past these a function does several jobs: split it (a table, a stage, a helper) rather than raise them.
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
      complexity: ['error', 15],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      // Keep disableTypeChecked's parser options: JavaScript files are linted without type information.
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', URL: 'readonly', console: 'readonly', setTimeout: 'readonly', fetch: 'readonly' },
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    // Tests read JSON bodies field by field on purpose; typing every response would only restate the assertions.
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
