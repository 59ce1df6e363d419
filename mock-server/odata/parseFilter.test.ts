import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataverseError } from '../errors/DataverseError.js';
import { parseFilter } from './parseFilter.js';

function parseError(text: string): DataverseError {
  try {
    parseFilter(text);
  } catch (error) {
    if (error instanceof DataverseError) return error;
    throw error;
  }
  throw new Error(`'${text}' parsed`);
}

describe('parseFilter', () => {
  it('builds and/or/not with the usual precedence', () => {
    const ast = parseFilter("a eq 1 or b eq 'x' and not c");
    expect(ast.kind).toBe('or');
    if (ast.kind !== 'or') return;
    expect(ast.right.kind).toBe('and');
  });

  it('reads literals: quoted strings with doubled quotes, guids, datetimes, dates, numbers, null', () => {
    const ast = parseFilter("name eq 'O''Brien'");
    expect(ast).toMatchObject({ kind: 'compare', right: { type: 'string', value: "O'Brien" } });
    expect(parseFilter('x eq 7D2E39F3-1A2B-4C5D-8E9F-0A1B2C3D4E5F')).toMatchObject({
      right: { type: 'guid', value: '7d2e39f3-1a2b-4c5d-8e9f-0a1b2c3d4e5f' },
    });
    expect(parseFilter('createdon ge 2023-01-01T00:00:00.000Z')).toMatchObject({
      right: { type: 'datetime', value: Date.UTC(2023, 0, 1) },
    });
    expect(parseFilter('birthdate lt 2000-02-29')).toMatchObject({
      right: { type: 'date', value: Date.UTC(2000, 1, 29) },
    });
    expect(parseFilter('n gt -1.5e2')).toMatchObject({ right: { type: 'number', value: -150 } });
    expect(parseFilter('n eq null')).toMatchObject({ right: { type: 'null' } });
  });

  it.each([
    ['name eq', 'Syntax error at position 7'],
    ['(name eq 1', 'Syntax error at position 10'],
    ['name eq 1)', 'Syntax error at position 9'],
    ['eq 1', 'Syntax error at position 0'],
    ['name ~ 1', "character '~' is not valid at position 5"],
    ["name eq 'abc", 'unterminated literal at position 12'],
    ['', 'Syntax error at position 0'],
  ])('%j → %s', (text, fragment) => {
    const error = parseError(text);
    expect(error.status).toBe(400);
    expect(error.message).toContain(fragment);
  });

  it('rejects absurd nesting with a 400 instead of exhausting the stack', () => {
    expect(parseError(`${'not '.repeat(5000)}a`).message).toContain('nested deeper than 100 levels');
    expect(parseError(`${'('.repeat(5000)}a eq 1${')'.repeat(5000)}`).status).toBe(400);
  });

  it('never throws anything but a 400 DataverseError, whatever the input', () => {
    const alphabet = fc.constantFrom(...'ab_ eqnotandor()\',"[]-:.0123456789/TZMicrosoft.Dynamics.CRM.In=%'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: alphabet, maxLength: 60 })), (text) => {
        try {
          parseFilter(text);
        } catch (error) {
          expect(error).toBeInstanceOf(DataverseError);
          expect((error as DataverseError).status).toBe(400);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
