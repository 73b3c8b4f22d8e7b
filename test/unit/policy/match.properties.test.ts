/**
 * The wildcard matcher against a reference that is obviously right and obviously slow: the recursive
 * definition of `*` and `?`, tried on every short pattern and text fast-check makes up. Also the policy
 * variable scanner against the RegExp it replaces.
 */
import fc from 'fast-check';
import {
  actionMatches,
  replaceVariables,
  resourceMatches,
  textMatches,
  wildcardMatches,
} from '../../../shared/domain/policy/match.js';

/** `*` matches any run (the empty one included), `?` one character, anything else itself. */
function referenceMatches(pattern: string, text: string, caseSensitive: boolean): boolean {
  if (pattern === '') return text === '';
  const [head] = pattern;
  if (head === '*') {
    return (
      referenceMatches(pattern.slice(1), text, caseSensitive) ||
      (text !== '' && referenceMatches(pattern, text.slice(1), caseSensitive))
    );
  }
  if (text === '') return false;
  const same = caseSensitive ? head === text[0] : head?.toUpperCase() === text[0]?.toUpperCase();
  return (head === '?' || same) && referenceMatches(pattern.slice(1), text.slice(1), caseSensitive);
}

// A small alphabet, so that random patterns and texts share letters and matches are common; with letters in
// both cases (ASCII and not) and the characters that differ from a letter by the ASCII case bit alone.
const ALPHABET = ['a', 'b', 'A', 'é', 'É', '[', '{', ':', '*', '?'];
const patternText = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 9 });
const plainText = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 11 });

describe('wildcard matching agrees with the reference matcher', () => {
  it('on random short patterns and texts, case-sensitive', () => {
    fc.assert(
      fc.property(patternText, plainText, (pattern, text) => {
        expect(wildcardMatches(pattern, text, true)).toBe(referenceMatches(pattern, text, true));
        expect(resourceMatches(pattern, text)).toBe(referenceMatches(pattern, text, true));
        expect(textMatches(pattern, text, true)).toBe(referenceMatches(pattern, text, true));
      }),
      { numRuns: 5000 },
    );
  });

  it('on random short patterns and texts, case-insensitive (actions)', () => {
    fc.assert(
      fc.property(patternText, plainText, (pattern, text) => {
        expect(actionMatches(pattern, text)).toBe(referenceMatches(pattern, text, false));
        expect(textMatches(pattern, text, false)).toBe(referenceMatches(pattern, text, false));
      }),
      { numRuns: 5000 },
    );
  });

  it('on texts that a pattern was built to match', () => {
    // Patterns made from a text by replacing runs with `*` and characters with `?` must match it.
    const built = fc
      .array(
        fc.tuple(fc.constantFrom('keep', 'star', 'question'), fc.string({ minLength: 1, maxLength: 4 })),
        {
          maxLength: 6,
        },
      )
      .map((pieces) => {
        const text = pieces.map(([, piece]) => piece).join('');
        const pattern = pieces
          .map(([how, piece]) => (how === 'keep' ? piece : how === 'star' ? '*' : '?'.repeat(piece.length)))
          .join('');
        return { pattern, text };
      });
    fc.assert(
      fc.property(built, ({ pattern, text }) => {
        expect(referenceMatches(pattern, text, true)).toBe(true);
        expect(wildcardMatches(pattern, text, true)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('policy variable scanning agrees with the RegExp it replaces', () => {
  it('finds the same ${name} occurrences on random texts', () => {
    const text = fc.string({ unit: fc.constantFrom('$', '{', '}', 'a', ':'), maxLength: 16 });
    fc.assert(
      fc.property(text, (input) => {
        const names: string[] = [];
        const expected = input.replace(/\$\{([^}]+)\}/g, (_, name: string) => `<${name}>`);
        expect(
          replaceVariables(input, (name) => {
            names.push(name);
            return `<${name}>`;
          }),
        ).toBe(expected);
        expect(names.every((name) => name.length > 0 && !name.includes('}'))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});
