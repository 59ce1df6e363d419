import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { schemaFiles } from '../scripts/generateSchemas.js';

describe('published JSON Schemas', () => {
  it.each(Object.entries(schemaFiles()))('schemas/%s is current (regenerate with npm run schemas)', async (name, expected) => {
    const actual = await readFile(new URL(`../schemas/${name}`, import.meta.url), 'utf8');
    expect(actual).toBe(expected);
  });

  it('the published scenario schema requires name, workloads and strategies and closes the root', () => {
    const schema = JSON.parse(schemaFiles()['scenario.schema.json']!) as { required: string[]; additionalProperties: boolean };
    expect(schema.required.sort()).toEqual(['name', 'strategies', 'workloads']);
    expect(schema.additionalProperties).toBe(false);
  });

  it('rejects unknown keys, as the zod schema does', () => {
    const schema = JSON.parse(schemaFiles()['mock-config.schema.json']!) as { additionalProperties?: boolean; properties: Record<string, unknown> };
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['auth', 'tables', 'limits', 'latency', 'capacity', 'faults', 'timeScale']));
  });
});
