/**
 * The line and column of a JSON mistake. Node 20's JSON.parse names an offset for some mistakes only; the
 * scan in json-location.ts must agree with JSON.parse on what is JSON, and, where JSON.parse names an
 * offset, on the offset.
 */
import fc from 'fast-check';
import {
  firstJsonErrorOffset,
  jsonErrorWithLocation,
  lineAndColumn,
} from '../../../shared/adapters/text-file/json-location.js';

function parseError(text: string): unknown {
  try {
    JSON.parse(text);
  } catch (error: unknown) {
    return error;
  }
  throw new Error(`expected ${JSON.stringify(text)} not to be JSON`);
}

describe('jsonErrorWithLocation', () => {
  it.each([
    ['a trailing comma in an object', '{\n  "Functions": [\n    { "FunctionName": "a", }\n  ]\n}\n', 3, 28],
    ['a misspelt literal', '{\n  "Enabled": tru\n}', 2, 17],
    ['an unclosed array at the end', '{"a": [1, 2', 1, 12],
    ['an empty file', '', 1, 1],
    ['text after the value', '{"a": 1}\n]', 2, 1],
    ['a bad escape', '{"a": "x\\q"}', 1, 10],
    ['a raw line break inside a string', '{"a": "x\ny"}', 1, 9],
  ])('names the line and column of %s', (_, text, line, column) => {
    const message = jsonErrorWithLocation(parseError(text), text);
    expect(message).toContain(`line ${line}, column ${column})`);
  });

  it('says when the text ends too early', () => {
    const text = '{\n  "a": [\n';
    expect(jsonErrorWithLocation(parseError(text), text)).toContain(
      '(at the end of the text, line 3, column 1)',
    );
  });

  it('scans deep nesting without recursion', () => {
    const text = `${'['.repeat(200_000)}${']'.repeat(199_999)}`;
    expect(firstJsonErrorOffset(text)).toBe(text.length);
  });
});

describe('firstJsonErrorOffset against JSON.parse', () => {
  const jsonish = fc.stringMatching(/^[\s{}[\],:"a-c0-9.eE+\-\\tu]{0,24}$/);

  it('finds a fault exactly when JSON.parse fails, at the offset JSON.parse names', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          jsonish,
          fc.json().map((text) => text.slice(0, -1)),
          fc.json(),
        ),
        (text) => {
          let error: unknown;
          try {
            JSON.parse(text);
          } catch (caught: unknown) {
            error = caught;
          }
          const offset = firstJsonErrorOffset(text);
          if (error === undefined) {
            expect(offset).toBeUndefined();
            return;
          }
          expect(offset).toBeDefined();
          const named = /at position (\d+)/.exec((error as Error).message)?.[1];
          if (named !== undefined) expect(offset).toBe(Number(named));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('counts lines and columns from 1', () => {
    expect(lineAndColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});
