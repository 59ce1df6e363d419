import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { importBoundaries } from '../../tools/eslint/importBoundaries.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const LAYERS = [
  { name: 'low', paths: ['src/low'] },
  { name: 'high', paths: ['src/high'] },
];

/** Lints a small project written to a temporary folder with the two rules, as `npm run lint` runs them. */
async function lint(root: string, files: Record<string, string>): Promise<Record<string, string[]>> {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { dvbench: importBoundaries },
        rules: { 'dvbench/no-cycle': 'error', 'dvbench/layers': ['error', { layers: LAYERS }] },
      },
    ],
  });
  const out: Record<string, string[]> = {};
  for (const result of await eslint.lintFiles(['src/**/*.ts']))
    out[result.filePath.slice(root.length + 1)] = result.messages.map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
  return out;
}

describe('the lint rules that hold the layers', () => {
  const tempDir = useTempDirs();

  it('reports a run-time cycle on each module in it, and not a type-only one', async () => {
    const got = await lint(await tempDir(), {
      'src/low/a.ts': "import { b } from './b.js';\nexport const a = (): number => b + 1;\n",
      'src/low/b.ts': "import { c } from './c.js';\nexport const b = c;\n",
      'src/low/c.ts': "import { a } from './a.js';\nexport const c = typeof a === 'function' ? 1 : 0;\n",
      'src/low/t1.ts': "import type { T2 } from './t2.js';\nexport interface T1 { next?: T2 }\n",
      'src/low/t2.ts': "import { type T1 } from './t1.js';\nexport interface T2 { back?: T1 }\nexport const two = 2;\n",
    });
    expect(got['src/low/a.ts']).toEqual([
      'dvbench/no-cycle: import cycle: src/low/a.ts → src/low/b.ts → src/low/c.ts → src/low/a.ts. Move what both need into a module of its own.',
    ]);
    expect(got['src/low/b.ts']).toHaveLength(1);
    expect(got['src/low/c.ts']).toHaveLength(1);
    expect(got['src/low/t1.ts']).toEqual([]);
    expect(got['src/low/t2.ts']).toEqual([]);
  });

  it('reports an import that climbs to a higher layer, type-only ones too, and lets the higher layer import down', async () => {
    const got = await lint(await tempDir(), {
      'src/low/base.ts': "import type { Up } from '../high/up.js';\nexport type Base = Up | number;\n",
      'src/high/up.ts':
        "import { value } from '../low/value.js';\nexport type Up = string;\nexport const up = value;\n",
      'src/low/value.ts': 'export const value = 1;\n',
    });
    expect(got['src/low/base.ts']).toEqual([
      "dvbench/layers: 'src/low/base.ts' is in layer 'low' and imports 'src/high/up.ts' from layer 'high', above it. Move what it needs down, or the importer up.",
    ]);
    expect(got['src/high/up.ts']).toEqual([]);
    expect(got['src/low/value.ts']).toEqual([]);
  });
});
