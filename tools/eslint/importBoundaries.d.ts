import type { ESLint } from 'eslint';

export declare const importBoundaries: ESLint.Plugin;
