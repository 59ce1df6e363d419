import { describe, expect, it } from 'vitest';
import { likeMatcher } from './likeMatcher.js';

describe('likeMatcher (SQL LIKE, case-insensitive)', () => {
  it.each([
    ['contoso', false, false, 'Contoso Ltd', true],
    ['ltd', false, true, 'Contoso Ltd', true],
    ['ltd', true, false, 'Contoso Ltd', false],
    ['c_ntoso', true, false, 'Contoso Ltd', true],
    ['c%o%d', true, true, 'Contoso Ltd', true],
    ['[a-c]ontoso', true, false, 'Contoso', true],
    ['[^a-c]ontoso', true, false, 'Contoso', false],
    ['[xyz]', false, false, 'Contoso', false],
    ['[z-a]', false, false, 'zebra and apple', false],
    ['50[%]', false, false, 'up 50% today', true],
    ['[', false, false, 'a [ b', true],
    ['', false, false, 'anything', true],
  ])('%s (anchored start %s, end %s) on %s: %s', (pattern, start, end, text, expected) => {
    expect(likeMatcher(pattern, start, end)(text)).toBe(expected);
  });

  it('never backtracks exponentially: 12 wildcards against a long non-matching text', () => {
    const match = likeMatcher('%a%a%a%a%a%a%a%a%a%a%a%a!', false, false);
    const text = 'a'.repeat(4000);
    // A backtracking regular expression of this shape takes longer than the universe; the matcher answers.
    for (let i = 0; i < 20; i++) expect(match(text)).toBe(false);
    expect(match(`${text}!`)).toBe(true);
  });
});
