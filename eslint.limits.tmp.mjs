import base from '/work/main/eslint.config.js';
export default [...base, { files: ['src/**/*.ts', 'mock-server/**/*.ts'], ignores: ['**/*.test.ts'], rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }], complexity: ['error', 15] } }];
