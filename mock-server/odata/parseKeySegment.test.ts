import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataverseError } from '../errors/DataverseError.js';
import { Catalogue } from '../metadata/Catalogue.js';
import { parseKeySegment } from './parseKeySegment.js';

const { catalogue } = Catalogue.build([
  {
    logicalName: 'new_x',
    entitySetName: 'new_xs',
    columns: [
      { name: 'new_a', type: 'string' },
      { name: 'new_b', type: 'int' },
    ],
    alternateKeys: [['new_a', 'new_b']],
  },
]);
const account = catalogue.byLogicalName('account')!;
const custom = catalogue.byLogicalName('new_x')!;

describe('parseKeySegment', () => {
  it('reads primary keys, bare and named', () => {
    expect(parseKeySegment('7D2E39F3-1A2B-4C5D-8E9F-0A1B2C3D4E5F', account)).toEqual({
      kind: 'primary',
      id: '7d2e39f3-1a2b-4c5d-8e9f-0a1b2c3d4e5f',
    });
    expect(parseKeySegment('accountid=7d2e39f3-1a2b-4c5d-8e9f-0a1b2c3d4e5f', account)).toMatchObject({
      kind: 'primary',
    });
  });

  it('reads single and compound alternate keys, with quotes, commas and parentheses inside strings', () => {
    expect(parseKeySegment("accountnumber='A,(1)''s'", account)).toMatchObject({
      kind: 'alternate',
      values: { accountnumber: "A,(1)'s" },
    });
    expect(parseKeySegment("new_b=2,new_a='x'", custom)).toMatchObject({
      kind: 'alternate',
      values: { new_a: 'x', new_b: 2 },
    });
  });

  it.each([
    ["name='x'"],
    ['accountnumber=5'],
    ['new_a=1'],
    ["accountnumber='x',accountnumber='y'"],
    ['guid'],
    [''],
    ["accountnumber='x"],
    ["accountnumber='x',"],
  ])('rejects %j as not a declared key', (text) => {
    expect(() => parseKeySegment(text, text.startsWith('new') ? custom : account)).toThrow(
      /The key in the request URI is not valid/,
    );
  });

  it('never throws anything but a 400 DataverseError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        try {
          parseKeySegment(text, custom);
        } catch (error) {
          expect(error).toBeInstanceOf(DataverseError);
          expect((error as DataverseError).status).toBe(400);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
