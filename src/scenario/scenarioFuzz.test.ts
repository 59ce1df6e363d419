import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DvbenchError } from '../errors/DvbenchError.js';
import { parseScenarioText } from './loadScenario.js';

/** Whatever the file holds, loading either succeeds or fails with a located usage error (exit 2). */
describe('scenario loading under garbage input', () => {
  it('random text, random JSON and mutated valid scenarios never crash the loader', () => {
    const valid =
      'name: f\ndata: { account: 5 }\nworkloads:\n  - { kind: update, table: account, count: 2, set: { name: x } }\nstrategies: [sequential, { kind: async, workers: 2 }]\n';
    const mutated = fc
      .tuple(fc.nat({ max: valid.length }), fc.nat({ max: 8 }), fc.string({ maxLength: 6 }))
      .map(([at, cut, insert]) => valid.slice(0, at) + insert + valid.slice(at + cut));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 4 }), mutated), (text) => {
        try {
          parseScenarioText(text, 'fuzz.yaml');
        } catch (error) {
          expect(error).toBeInstanceOf(DvbenchError);
          expect((error as DvbenchError).exitCode).toBe(2);
          expect((error as DvbenchError).message).toMatch(/fuzz\.yaml|invalid scenario/);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('an unresolved alias or an alias bomb is a located error, not a crash (found by this fuzz test)', () => {
    expect(() =>
      parseScenarioText('name: f\nworkloads: [{ kind: update, set: {*x } }]\nstrategies: [sequential]\n', 'a.yaml'),
    ).toThrow(/^a\.yaml: not valid YAML: /);
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 9 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      ),
    ].join('\n');
    expect(() => parseScenarioText(bomb, 'bomb.yaml')).toThrow(/^bomb\.yaml: not valid YAML: /);
  });
});
