/**
 * One property per evaluator fix of issue 9, each against an oracle written from the IAM documentation
 * rather than from the code under test (see evaluator-fixes.test.ts for the pages and quotes).
 */
import fc from 'fast-check';
import { anyNameCoverage } from '../../../shared/domain/policy/any-name.js';
import type { SourcedDocument } from '../../../shared/domain/policy/document.js';
import { conditionContext, evaluate } from '../../../shared/domain/policy/evaluate.js';
import type { Decision, RolePolicies } from '../../../shared/domain/policy/evaluation-types.js';
import { resourceMatches } from '../../../shared/domain/policy/match.js';
import { parsePolicyDocument } from '../../../shared/domain/policy/parse.js';

const ROLE = 'arn:aws:iam::123456789012:role/worker';
const QUEUE = 'arn:aws:sqs:eu-west-1:123456789012:orders';
const RUNS = { numRuns: 300 };

function doc(
  source: string,
  statements: readonly object[],
  version: string | null = '2012-10-17',
): SourcedDocument {
  const parsed = parsePolicyDocument({
    ...(version === null ? {} : { Version: version }),
    Statement: statements,
  });
  if (!parsed.ok) throw new Error(parsed.error);
  return { source, document: parsed.document };
}

function decision(policies: RolePolicies, resource = QUEUE, anyName = false): Decision {
  return evaluate(policies, {
    action: 'sqs:DeleteMessage',
    resource,
    ...(anyName ? { anyName } : {}),
    context: conditionContext({ roleArn: ROLE, region: 'eu-west-1', resource }),
  }).decision;
}

/** Every string over `alphabet` of length 1 to `max`. */
function names(alphabet: readonly string[], max: number): string[] {
  const result: string[] = [];
  let level = [''];
  for (let length = 1; length <= max; length++) {
    level = level.flatMap((name) => alphabet.map((c) => name + c));
    result.push(...level);
  }
  return result;
}

describe('any-name coverage matches what the patterns match, name by name', () => {
  // Patterns over a, b and the wildcards; names also use c, which no pattern contains, and the "/" of the
  // prefix. At most three patterns of at most five characters after "p/": names of up to six characters
  // decide (covering every name of each length 1 to 6 without a `*` would take six patterns).
  const pattern = fc
    .array(fc.constantFrom('a', 'b', '*', '?'), { minLength: 0, maxLength: 5 })
    .map((chars) => chars.join(''));

  it('says all when every name matches, none when none does, some otherwise', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('p/', 'p/a', 'p'),
        fc.array(pattern, { minLength: 1, maxLength: 3 }),
        (prefix, tails) => {
          const patterns = tails.map((tail) => `p/${tail}`);
          // Longer names than this cannot change the answer: a pattern matches names longer than its
          // literal part only through a `*`, which then matches every longer name too.
          const all = names(['a', 'b', 'c', '/'], 6);
          const matched = all.filter((name) => patterns.some((p) => resourceMatches(p, prefix + name)));
          const expected = matched.length === all.length ? 'all' : matched.length === 0 ? 'none' : 'some';
          expect(anyNameCoverage(patterns, prefix)).toBe(expected);
          // As the evaluator asks: the any-name resource itself, read up to its final `*`.
          expect(anyNameCoverage(patterns, `${prefix}*`, prefix.length)).toBe(expected);
        },
      ),
      RUNS,
    );
  });

  it('never lets an Allow meet an any-name need unless it covers every name, and makes a partial Deny conditional', () => {
    fc.assert(
      fc.property(pattern, pattern, (allowTail, denyTail) => {
        const resource = 'arn:aws:s3:::b/*';
        const allow = {
          Effect: 'Allow',
          Action: 'sqs:DeleteMessage',
          Resource: `arn:aws:s3:::b/${allowTail}`,
        };
        const deny = { Effect: 'Deny', Action: 'sqs:DeleteMessage', Resource: `arn:aws:s3:::b/${denyTail}` };
        const allowCoverage = anyNameCoverage([allow.Resource], 'arn:aws:s3:::b/');
        const denyCoverage = anyNameCoverage([deny.Resource], 'arn:aws:s3:::b/');
        const alone = decision({ identity: [doc('p', [allow])] }, resource, true);
        expect(alone).toBe(allowCoverage === 'all' ? 'allowed' : 'implicit-deny');
        const everything = { ...allow, Resource: '*' };
        const withDeny = decision({ identity: [doc('p', [everything, deny])] }, resource, true);
        const expected = { all: 'explicit-deny', some: 'conditional', none: 'allowed' } as const;
        expect(withDeny).toBe(expected[denyCoverage]);
      }),
      RUNS,
    );
  });
});

describe('policy variables exist only in Version 2012-10-17', () => {
  const resourcePart = fc.constantFrom(
    'arn:aws:sqs:eu-west-1:123456789012:orders',
    'arn:aws:sqs:eu-west-1:${aws:PrincipalAccount}:orders',
    'arn:aws:sqs:eu-west-1:123456789012:${aws:username}',
    'arn:aws:sqs:*:${aws:PrincipalAccount}:*',
    'arn:aws:sqs:eu-west-1:123456789012:$orders',
  );
  const statement = fc.record({
    Effect: fc.constantFrom('Allow', 'Deny'),
    Action: fc.constant('sqs:DeleteMessage'),
    Resource: resourcePart,
  });

  it('reads a 2008-10-17 (or Version-less) document as a 2012-10-17 one whose every "$" is the escape ${$}', () => {
    fc.assert(
      fc.property(
        fc.array(statement, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('2008-10-17', null),
        (statements, version) => {
          const escaped = statements.map((s) => ({ ...s, Resource: s.Resource.replaceAll('$', '${$}') }));
          for (const resource of [QUEUE, 'arn:aws:sqs:eu-west-1:${aws:PrincipalAccount}:orders']) {
            expect(decision({ identity: [doc('p', statements, version)] }, resource)).toBe(
              decision({ identity: [doc('p', escaped, '2012-10-17')] }, resource),
            );
          }
        },
      ),
      RUNS,
    );
  });
});

describe('undecidable conditions judged together give IAM’s answer', () => {
  const KEYS = ['aws:SourceVpce', 'aws:MultiFactorAuthPresent'] as const;
  const OPERATORS = [
    'StringEquals',
    'StringNotEquals',
    'StringEqualsIfExists',
    'StringNotEqualsIfExists',
    'Bool',
    'BoolIfExists',
    'Null',
  ] as const;
  type Operator = (typeof OPERATORS)[number];

  /**
   * The operators page, written out independently: a clause on a key that is absent is false, except the
   * negated operators and …IfExists (true) and Null (true when it asks for absence).
   */
  function holds(operator: Operator, values: readonly string[], value: string | undefined): boolean {
    switch (operator) {
      case 'StringEquals':
        return value !== undefined && values.includes(value);
      case 'StringNotEquals':
        return value === undefined || !values.includes(value);
      case 'StringEqualsIfExists':
        return value === undefined || values.includes(value);
      case 'StringNotEqualsIfExists':
        return value === undefined || !values.includes(value);
      case 'Bool':
        return value !== undefined && values.some((v) => v.toLowerCase() === value.toLowerCase());
      case 'BoolIfExists':
        return value === undefined || values.some((v) => v.toLowerCase() === value.toLowerCase());
      case 'Null':
        // Several values of one key are ORed ("evaluated using a logical OR", Condition element page).
        return (
          (values.includes('true') && value === undefined) ||
          (values.includes('false') && value !== undefined)
        );
    }
  }

  // aws:MultiFactorAuthPresent is a boolean key (Bool operators, values true/false); aws:SourceVpce a string.
  const clause = fc.oneof(
    fc.record({
      operator: fc.constantFrom<Operator>('Bool', 'BoolIfExists', 'Null'),
      key: fc.constant(KEYS[1]),
      values: fc.subarray(['true', 'false'], { minLength: 1, maxLength: 2 }),
    }),
    fc.record({
      operator: fc.constantFrom<Operator>(
        'StringEquals',
        'StringNotEquals',
        'StringEqualsIfExists',
        'StringNotEqualsIfExists',
        'Null',
      ),
      key: fc.constant(KEYS[0]),
      values: fc.subarray(['vpce-1', 'vpce-2', 'true'], { minLength: 1, maxLength: 2 }),
    }),
  );
  const statement = fc.record({
    effect: fc.constantFrom('Allow', 'Deny'),
    clauses: fc.array(clause, { minLength: 0, maxLength: 2 }),
  });

  it('agrees with every assignment of the unknown keys: fixed when they agree, conditional when they do not', () => {
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 4 }), (statements) => {
        // Every value the request may carry: absent, each value named, another string; a boolean key is
        // absent, true or false.
        const worlds: (string | undefined)[][] = [];
        for (const a of [undefined, 'vpce-1', 'vpce-2', 'true', 'something-else'])
          for (const b of [undefined, 'true', 'false']) worlds.push([a, b]);
        const outcomes = new Set<string>();
        for (const world of worlds) {
          const applies = statements.map((s) =>
            s.clauses.every((c) => holds(c.operator, c.values, world[KEYS.indexOf(c.key)])),
          );
          const denied = statements.some((s, i) => s.effect === 'Deny' && applies[i]);
          const allowed = statements.some((s, i) => s.effect === 'Allow' && applies[i]);
          outcomes.add(denied ? 'explicit-deny' : allowed ? 'allowed' : 'implicit-deny');
        }
        const raw = statements.map((s) => {
          const Condition: Record<string, Record<string, string[]>> = {};
          for (const c of s.clauses) {
            Condition[c.operator] ??= {};
            (Condition[c.operator] as Record<string, string[]>)[c.key] = c.values;
          }
          return {
            Effect: s.effect,
            Action: 'sqs:DeleteMessage',
            Resource: QUEUE,
            ...(s.clauses.length > 0 ? { Condition } : {}),
          };
        });
        // Two clauses of one operator on one key collapse to the last: the oracle must see what IAM sees.
        const effective = statements.map((s) => ({
          ...s,
          clauses: s.clauses.filter(
            (c, i) => !s.clauses.some((d, j) => j > i && d.operator === c.operator && d.key === c.key),
          ),
        }));
        if (JSON.stringify(effective) !== JSON.stringify(statements)) return;
        const actual = decision({ identity: [doc('p', raw)] });
        if (outcomes.has('allowed') && outcomes.size > 1) expect(actual).toBe('conditional');
        else if (outcomes.has('allowed')) expect(actual).toBe('allowed');
        else {
          // Never allowed: a fixed "no", explicit only when some assignment meets a Deny.
          expect(['implicit-deny', 'explicit-deny']).toContain(actual);
          if (actual === 'explicit-deny') expect(outcomes.has('explicit-deny')).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('statements IAM would reject', () => {
  const valid = fc.record({
    Effect: fc.constantFrom('Allow', 'Deny'),
    Action: fc.constantFrom('sqs:DeleteMessage', 'sqs:*', '*'),
    Resource: fc.constantFrom(QUEUE, '*', 'arn:aws:sqs:*:*:other'),
  });
  const invalid = fc.oneof(
    valid.map((s) => ({ ...s, NotAction: 'iam:*' })),
    valid.map((s) => ({ ...s, Condition: { StringEqualz: { 'aws:SourceVpce': 'x' } } })),
    valid.map(({ Resource: _, ...s }) => s),
    valid.map((s) => ({ ...s, Effect: s.Effect.toLowerCase() })),
    valid.map((s) => ({ ...s, Principal: '*' })),
    valid.map((s) => ({ ...s, Actions: 'sqs:*' })),
  );

  it('never changes the decision when one is added', () => {
    fc.assert(
      fc.property(fc.array(valid, { minLength: 1, maxLength: 3 }), invalid, (statements, bad) => {
        expect(decision({ identity: [doc('p', [...statements, bad])] })).toBe(
          decision({ identity: [doc('p', statements)] }),
        );
      }),
      RUNS,
    );
  });
});
