import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { mockConfigSchema } from '../mock-server/index.js';

/** The JSON Schema files published for editors, generated from the zod schemas (the source of truth). */
export function schemaFiles(): Record<string, string> {
  const mock = z.toJSONSchema(mockConfigSchema, { io: 'input', unrepresentable: 'any' });
  return {
    'mock-config.schema.json': `${JSON.stringify({ ...mock, title: 'dvbench mock server configuration', $id: 'https://dvbench.dev/schemas/mock-config.schema.json' }, null, 2)}\n`,
  };
}

// `npm run schemas` regenerates; a test fails when a committed file is stale.
if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  for (const [name, text] of Object.entries(schemaFiles())) {
    await writeFile(new URL(`../../schemas/${name}`, import.meta.url), text);
    console.log(`wrote schemas/${name}`);
  }
}
