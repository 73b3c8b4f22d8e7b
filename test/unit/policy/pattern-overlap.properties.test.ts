/**
 * Pattern overlap for an exact text against a pattern of literal characters and segments (the audit's
 * common question, answered in place): the same answers as a RegExp that is obviously right, on every
 * short text and pattern fast-check makes up.
 */
import fc from 'fast-check';
import { patternsOverlap, SEGMENT } from '../../../shared/domain/policy/pattern-overlap.js';

/** The pattern as a RegExp: a segment is any run of characters other than `/`. */
function referenceMatches(format: string, text: string): boolean {
  const source = [...format]
    .map((c) => (c === SEGMENT ? '[^/]*' : c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(text);
}

// Few characters, so that texts and patterns share them; `/` and `:` as ARNs have them, and the segment
// character itself in texts (a policy may hold it: there it is a plain character).
const text = fc.string({ unit: fc.constantFrom('a', 'b', '/', ':', SEGMENT), maxLength: 12 });
const format = fc.string({ unit: fc.constantFrom('a', 'b', '/', ':', SEGMENT), maxLength: 10 });

describe('pattern overlap of an exact text', () => {
  it('agrees with the RegExp of the pattern', () => {
    fc.assert(
      fc.property(text, format, (a, b) => {
        expect(patternsOverlap(a, b)).toBe(referenceMatches(b, a));
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['arn:aws:sqs:us-east-1:123456789012:orders', 'arn:\u0001:sqs:\u0001:\u0001:\u0001', true],
    ['arn:aws:sqs:us-east-1:123456789012:a:b', 'arn:\u0001:sqs:\u0001:\u0001:\u0001', true],
    ['arn:aws:sqs:us-east-1:123456789012:a/b', 'arn:\u0001:sqs:\u0001:\u0001:\u0001', false],
    [
      'arn:aws:dynamodb:eu-west-1:1:table/T',
      'arn:\u0001:dynamodb:\u0001:\u0001:table/\u0001/stream/\u0001',
      false,
    ],
    [
      'arn:aws:dynamodb:eu-west-1:1:table/T/stream/L',
      'arn:\u0001:dynamodb:\u0001:\u0001:table/\u0001/stream/\u0001',
      true,
    ],
    ['arn:aws:kinesis:eu-west-1:1:stream/s', 'arn:\u0001:kinesis:\u0001:\u0001:stream/\u0001', true],
    ['arn:aws:kinesis:eu-west-1:1:stream/s', 'arn:aws:kinesis:eu-west-1:1:stream/s', true],
    ['arn:aws:kinesis:eu-west-1:1:stream/s', 'arn:aws:kinesis:eu-west-1:1:stream/t', false],
  ])('knows whether %s is named by %s', (a, b, expected) => {
    expect(patternsOverlap(a, b)).toBe(expected);
    expect(referenceMatches(b, a)).toBe(expected);
  });
});
