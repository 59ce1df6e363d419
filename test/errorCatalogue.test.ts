import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { adminErrors } from '../mock-server/index.js';
import { errorCatalogue } from '../src/errors/errorCatalogue.js';

describe('error catalogue', () => {
  it('each entry builds an error whose code is its key, and docs/errors.md lists exactly these codes', async () => {
    const docs = await readFile(new URL('../docs/errors.md', import.meta.url), 'utf8');
    const documented = [...docs.matchAll(/^\| `(DVB_ERR_[A-Z_]+)` \| (\d+) \|/gm)].map((m) => [m[1], Number(m[2])]);
    const actual = Object.entries(errorCatalogue).map(([key, make]) => {
      const error = make('message');
      expect(error.code).toBe(key);
      return [key, error.exitCode];
    });
    expect(documented.sort()).toEqual(actual.sort());
  });

  it('every admin error of the mock carries its key as code, and docs/errors.md lists exactly these, with their statuses', async () => {
    const docs = await readFile(new URL('../docs/errors.md', import.meta.url), 'utf8');
    const documented = [...docs.matchAll(/^\| `(DVB_MOCK_[A-Z_]+)` \| (\d+) \|/gm)].map((m) => [m[1], Number(m[2])]);
    const actual = Object.entries(adminErrors).map(([key, make]) => {
      const answer = make('message');
      expect((answer.body as { error: { code: string } }).error.code).toBe(key);
      return [key, answer.status];
    });
    expect(documented.sort()).toEqual(actual.sort());
  });
});
