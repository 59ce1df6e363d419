import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { schemaFiles } from '../scripts/generateSchemas.js';
import { readResults } from '../src/report/readResults.js';
import { resultsSchema } from '../src/runner/resultsSchema.js';
import { writeFile } from 'node:fs/promises';
import { useTempDirs } from './helpers/tempDirs.js';

const tempDir = useTempDirs();

describe('published JSON Schemas', () => {
  it.each(Object.entries(schemaFiles()))(
    'schemas/%s is current (regenerate with npm run schemas)',
    async (name, expected) => {
      const actual = await readFile(new URL(`../schemas/${name}`, import.meta.url), 'utf8');
      expect(actual).toBe(expected);
    },
  );

  it('the published scenario schema requires name and workloads, offers strategies and load, and closes the root', () => {
    const schema = JSON.parse(schemaFiles()['scenario.schema.json']!) as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, unknown>;
    };
    expect(schema.required.sort()).toEqual(['name', 'workloads']);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['strategies', 'load']));
    expect(schema.additionalProperties).toBe(false);
  });

  it('rejects unknown keys, as the zod schema does', () => {
    const schema = JSON.parse(schemaFiles()['mock-config.schema.json']!) as {
      additionalProperties?: boolean;
      properties: Record<string, unknown>;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['auth', 'tables', 'limits', 'latency', 'capacity', 'faults', 'timeScale']),
    );
  });

  it('results.json has a schema: the fixture passes, a file missing a field is named with the path', async () => {
    const fixture = JSON.parse(await readFile(new URL('fixtures/results.json', import.meta.url), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(resultsSchema.safeParse(fixture).success).toBe(true);
    const d = await tempDir('dvbench-results-schema-');
    const strategies = (fixture.strategies as Record<string, unknown>[]).map((st, i) =>
      i === 1 ? { ...st, verdict: undefined } : st,
    );
    await writeFile(`${d}/results.json`, JSON.stringify({ ...fixture, strategies }));
    await expect(readResults(`${d}/results.json`)).rejects.toThrow(
      /not a valid dvbench results file of schema version 2: strategies\[1\]\.verdict: /,
    );
    await writeFile(`${d}/results.json`, JSON.stringify({ ...fixture, schemaVersion: 1 }));
    await expect(readResults(`${d}/results.json`)).rejects.toThrow(
      'written by an older dvbench (results schema 1; this one reads 2',
    );
  });
});
