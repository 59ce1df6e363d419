import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { mockConfigSchema, profileSchema } from '../mock-server/index.js';
import { comparisonSchema } from '../src/report/compare/comparisonSchema.js';
import { resultsSchema } from '../src/runner/resultsSchema.js';
import { tuneSchema } from '../src/runner/tuneSchema.js';
import { scenarioSchema } from '../src/scenario/scenarioSchema.js';

/** The JSON Schema files published for editors, generated from the zod schemas (the source of truth). */
export function schemaFiles(): Record<string, string> {
  const mock = z.toJSONSchema(mockConfigSchema, { io: 'input', unrepresentable: 'any' });
  const scenario = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' });
  const results = z.toJSONSchema(resultsSchema, { io: 'output', unrepresentable: 'any' });
  const profile = z.toJSONSchema(profileSchema, { io: 'input', unrepresentable: 'any' });
  const tune = z.toJSONSchema(tuneSchema, { io: 'output', unrepresentable: 'any' });
  const compare = z.toJSONSchema(comparisonSchema, { io: 'output', unrepresentable: 'any' });
  return {
    'results.schema.json': `${JSON.stringify({ ...results, title: 'dvbench results.json', $id: 'https://dvbench.dev/schemas/results.schema.json' }, null, 2)}\n`,
    'scenario.schema.json': `${JSON.stringify({ ...scenario, title: 'dvbench scenario', $id: 'https://dvbench.dev/schemas/scenario.schema.json' }, null, 2)}\n`,
    'tune.schema.json': `${JSON.stringify({ ...tune, title: 'dvbench tune.json', $id: 'https://dvbench.dev/schemas/tune.schema.json' }, null, 2)}\n`,
    'compare.schema.json': `${JSON.stringify({ ...compare, title: 'dvbench compare.json', $id: 'https://dvbench.dev/schemas/compare.schema.json' }, null, 2)}\n`,
    'profile.schema.json': `${JSON.stringify({ ...profile, title: 'dvbench mock cost profile', $id: 'https://dvbench.dev/schemas/profile.schema.json' }, null, 2)}\n`,
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
