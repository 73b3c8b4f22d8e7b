/**
 * The evaluator fixes of issue 9, each from the IAM documentation page it rests on:
 * - Resource element (wildcards): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 *   "* any combination of characters … ? any single character".
 * - Version element: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
 *   "with 2008-10-17 … variables such as ${aws:username} aren't recognized as variables and are instead
 *   treated as literal strings"; "If you do not include a Version element, the value defaults to 2008-10-17".
 * - Condition operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 *   "If the key … is not present in the request context, the values do not match and the condition is false.
 *   If the policy condition requires that the key is not matched … the condition is true. This logic applies to
 *   all condition operators except ...IfExists and Null check."
 * - Evaluation logic: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 *   "an explicit deny in any of these policies overrides the allow".
 */
import { anyNameCoverage } from '../../../shared/domain/policy/any-name.js';
import type { SourcedDocument } from '../../../shared/domain/policy/document.js';
import { conditionContext, evaluate } from '../../../shared/domain/policy/evaluate.js';
import type { RolePolicies } from '../../../shared/domain/policy/evaluation-types.js';
import { parsePolicyDocument } from '../../../shared/domain/policy/parse.js';
import { patternsOverlap } from '../../../shared/domain/policy/pattern-overlap.js';

const ROLE = 'arn:aws:iam::123456789012:role/worker';
const QUEUE = 'arn:aws:sqs:eu-west-1:123456789012:orders';
const GROUP = 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/f';
const STREAMS = `${GROUP}:log-stream:*`;
const OBJECTS = 'arn:aws:s3:::failures/*';

/** `version` null: a document without a Version element. */
function doc(source: string, statements: object[], version: string | null = '2012-10-17'): SourcedDocument {
  const parsed = parsePolicyDocument({
    ...(version === null ? {} : { Version: version }),
    Statement: statements,
  });
  if (!parsed.ok) throw new Error(parsed.error);
  return { source, document: parsed.document };
}

function decide(policies: RolePolicies, action: string, resource: string, anyName = false) {
  return evaluate(policies, {
    action,
    resource,
    ...(anyName ? { anyName } : {}),
    context: conditionContext({ roleArn: ROLE, region: 'eu-west-1', resource }),
  });
}

const allowStreams = (resource: string) => ({
  Effect: 'Allow',
  Action: 'logs:PutLogEvents',
  Resource: resource,
});

describe('any-name requirements (Resource element: "?" is one character, "*" any run)', () => {
  it('does not let log-stream:? stand for every log stream Lambda may create', () => {
    const result = decide(
      { identity: [doc('p', [allowStreams(`${GROUP}:log-stream:?`)])] },
      'logs:PutLogEvents',
      STREAMS,
      true,
    );
    expect(result).toEqual({
      decision: 'implicit-deny',
      partiallyAllowedBy: [{ source: 'p', statement: '0' }],
    });
  });

  it.each([`${GROUP}:*`, `${GROUP}:log-stream:*`, `${GROUP}:log-stream:?*`, '*', 'arn:aws:logs:*:*:*'])(
    'lets %s cover every stream of the group',
    (pattern) => {
      const result = decide(
        { identity: [doc('p', [allowStreams(pattern)])] },
        'logs:PutLogEvents',
        STREAMS,
        true,
      );
      expect(result.decision).toBe('allowed');
    },
  );

  it.each([`${GROUP}:log-stream:2026*`, `${GROUP}:log-stream:??`, `${GROUP}:log-stream:a?*`])(
    'does not let the partial pattern %s meet the need',
    (pattern) => {
      const result = decide(
        { identity: [doc('p', [allowStreams(pattern)])] },
        'logs:PutLogEvents',
        STREAMS,
        true,
      );
      expect(result.decision).toBe('implicit-deny');
    },
  );

  it('still reads a log-stream:? grant as the literal stream "*" when the need is one named resource', () => {
    // Without the any-name flag the resource is an ARN like any other: "?" matches its one character.
    const result = decide(
      { identity: [doc('p', [allowStreams(`${GROUP}:log-stream:?`)])] },
      'logs:PutLogEvents',
      STREAMS,
    );
    expect(result.decision).toBe('allowed');
  });

  it('makes a Deny on log-stream:? conditional rather than a block of every stream', () => {
    const policies = {
      identity: [
        doc('p', [allowStreams(`${GROUP}:*`), { ...allowStreams(`${GROUP}:log-stream:?`), Effect: 'Deny' }]),
      ],
    };
    expect(decide(policies, 'logs:PutLogEvents', STREAMS, true).decision).toBe('conditional');
  });

  it('makes a Deny on the aws/lambda/ prefix of an on-failure bucket conditional', () => {
    const policies = {
      identity: [
        doc('p', [
          { Effect: 'Allow', Action: 's3:PutObject', Resource: OBJECTS },
          { Effect: 'Deny', Action: 's3:PutObject', Resource: 'arn:aws:s3:::failures/aws/lambda/*' },
        ]),
      ],
    };
    expect(decide(policies, 's3:PutObject', OBJECTS, true)).toEqual({
      decision: 'conditional',
      undecided: [{ source: 'p', statement: '1' }],
    });
  });

  it('lets a Deny that covers every object win', () => {
    const policies = {
      identity: [
        doc('p', [
          { Effect: 'Allow', Action: 's3:PutObject', Resource: OBJECTS },
          { Effect: 'Deny', Action: 's3:PutObject', Resource: 'arn:aws:s3:::fail*' },
        ]),
      ],
    };
    expect(decide(policies, 's3:PutObject', OBJECTS, true).decision).toBe('explicit-deny');
  });

  it('makes a NotResource that excludes part of the names conditional', () => {
    const policies = {
      identity: [
        doc('p', [{ Effect: 'Allow', Action: 's3:PutObject', NotResource: 'arn:aws:s3:::failures/aws/*' }]),
      ],
    };
    expect(decide(policies, 's3:PutObject', OBJECTS, true).decision).toBe('conditional');
  });

  it('lets a NotResource that excludes another bucket allow every object', () => {
    const policies = {
      identity: [
        doc('p', [{ Effect: 'Allow', Action: 's3:PutObject', NotResource: 'arn:aws:s3:::audit/*' }]),
      ],
    };
    expect(decide(policies, 's3:PutObject', OBJECTS, true).decision).toBe('allowed');
  });

  it('measures coverage as all, some or none', () => {
    expect(anyNameCoverage(['a/b/*'], 'a/b/')).toBe('all');
    expect(anyNameCoverage(['a/b/?', 'a/b/??*'], 'a/b/')).toBe('all');
    expect(anyNameCoverage(['a/b/?', 'a/b/???*'], 'a/b/')).toBe('some');
    expect(anyNameCoverage(['a/*/x'], 'a/b/')).toBe('some');
    expect(anyNameCoverage(['a/c/*', 'a/b/'], 'a/b/')).toBe('none');
  });
});

describe('policy variables (Version element)', () => {
  const variableQueue = 'arn:aws:sqs:eu-west-1:${aws:PrincipalAccount}:orders';
  const statement = { Effect: 'Allow', Action: 'sqs:DeleteMessage', Resource: variableQueue };

  it('substitutes ${aws:PrincipalAccount} in a 2012-10-17 document', () => {
    expect(
      decide({ identity: [doc('p', [statement], '2012-10-17')] }, 'sqs:DeleteMessage', QUEUE).decision,
    ).toBe('allowed');
  });

  it.each([['2008-10-17'], [null]])(
    'reads it as literal text in a document of Version %s (null: none)',
    (version) => {
      expect(
        decide({ identity: [doc('p', [statement], version)] }, 'sqs:DeleteMessage', QUEUE).decision,
      ).toBe('implicit-deny');
    },
  );

  it('matches the literal text itself in a 2008-10-17 document', () => {
    const literal = decide(
      { identity: [doc('p', [statement], '2008-10-17')] },
      'sqs:DeleteMessage',
      variableQueue,
    );
    expect(literal.decision).toBe('allowed');
  });

  it('reads condition values literally too in a 2008-10-17 document', () => {
    const conditioned = {
      ...statement,
      Resource: QUEUE,
      Condition: { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } },
    };
    expect(
      decide({ identity: [doc('p', [conditioned], '2012-10-17')] }, 'sqs:DeleteMessage', QUEUE).decision,
    ).toBe('allowed');
    expect(
      decide({ identity: [doc('p', [conditioned], '2008-10-17')] }, 'sqs:DeleteMessage', QUEUE).decision,
    ).toBe('implicit-deny');
  });
});

describe('undecidable conditions judged together (condition operators, evaluation logic)', () => {
  const allowQueue = { Effect: 'Allow', Action: 'sqs:DeleteMessage', Resource: QUEUE };
  const denyQueue = { ...allowQueue, Effect: 'Deny' };
  const mfa = 'aws:MultiFactorAuthPresent';

  it('never applies a statement whose Bool and BoolIfExists on one key cannot both hold', () => {
    // Bool:true needs the key present and true; BoolIfExists:false holds when it is absent or false.
    const never = { Bool: { [mfa]: 'true' }, BoolIfExists: { [mfa]: 'false' } };
    expect(
      decide({ identity: [doc('p', [{ ...allowQueue, Condition: never }])] }, 'sqs:DeleteMessage', QUEUE),
    ).toEqual({
      decision: 'implicit-deny',
    });
    const withDeny = { identity: [doc('p', [allowQueue, { ...denyQueue, Condition: never }])] };
    expect(decide(withDeny, 'sqs:DeleteMessage', QUEUE).decision).toBe('allowed');
  });

  it('denies for certain when two Deny statements are complementary (StringEquals and StringNotEquals)', () => {
    const key = 'aws:SourceVpce';
    const policies = {
      identity: [
        doc('p', [
          allowQueue,
          { ...denyQueue, Condition: { StringEquals: { [key]: 'vpce-1' } } },
          { ...denyQueue, Condition: { StringNotEquals: { [key]: 'vpce-1' } } },
        ]),
      ],
    };
    expect(decide(policies, 'sqs:DeleteMessage', QUEUE)).toEqual({
      decision: 'explicit-deny',
      deniedBy: [
        { source: 'p', statement: '1' },
        { source: 'p', statement: '2' },
      ],
    });
  });

  it('allows for certain when two Allow statements are complementary', () => {
    const key = 'aws:SourceVpce';
    const policies = {
      identity: [
        doc('p', [
          { ...allowQueue, Condition: { StringEquals: { [key]: 'vpce-1' } } },
          { ...allowQueue, Condition: { StringNotEquals: { [key]: 'vpce-1' } } },
        ]),
      ],
    };
    expect(decide(policies, 'sqs:DeleteMessage', QUEUE).decision).toBe('allowed');
  });

  it('never allows when the Deny has the Allow’s own condition', () => {
    const condition = { StringEquals: { 'aws:SourceVpce': 'vpce-1' } };
    const policies = {
      identity: [
        doc('p', [
          { ...allowQueue, Condition: condition },
          { ...denyQueue, Condition: condition },
        ]),
      ],
    };
    expect(decide(policies, 'sqs:DeleteMessage', QUEUE).decision).toBe('explicit-deny');
  });

  it('keeps a StringEquals Allow with the complementary StringNotEquals Deny conditional: the key decides', () => {
    // Allowed when the key equals vpce-1; denied when it is another value or absent (StringNotEquals on an
    // absent key is true). IAM's answer depends on the request: conditional is the right verdict.
    const key = 'aws:SourceVpce';
    const policies = {
      identity: [
        doc('p', [
          { ...allowQueue, Condition: { StringEquals: { [key]: 'vpce-1' } } },
          { ...denyQueue, Condition: { StringNotEquals: { [key]: 'vpce-1' } } },
        ]),
      ],
    };
    expect(decide(policies, 'sqs:DeleteMessage', QUEUE).decision).toBe('conditional');
  });

  it('keeps operators it cannot enumerate (IpAddress) conditional', () => {
    const policies = {
      identity: [
        doc('p', [allowQueue, { ...denyQueue, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }]),
      ],
    };
    expect(decide(policies, 'sqs:DeleteMessage', QUEUE).decision).toBe('conditional');
  });
});

describe('statements IAM would reject (policy grammar)', () => {
  it('grants nothing through a statement with both Action and NotAction', () => {
    const policies = {
      identity: [doc('p', [{ Effect: 'Allow', Action: 'sqs:*', NotAction: 'iam:*', Resource: '*' }])],
    };
    expect(decide(policies, 'sqs:DeleteMessage', QUEUE).decision).toBe('implicit-deny');
  });

  it('grants nothing through a statement with an unknown condition operator', () => {
    const policies = {
      identity: [
        doc('p', [
          {
            Effect: 'Allow',
            Action: 'sqs:*',
            Resource: '*',
            Condition: { StringEqualz: { 'aws:SourceVpce': 'x' } },
          },
        ]),
      ],
    };
    expect(decide(policies, 'sqs:DeleteMessage', QUEUE).decision).toBe('implicit-deny');
  });

  it('still evaluates the readable statements of a document with a rejected Effect', () => {
    const policies = {
      identity: [
        doc('p', [
          { Effect: 'Allow', Action: 'sqs:DeleteMessage', Resource: QUEUE },
          { Effect: 'deny', Action: 'sqs:*', Resource: '*' },
        ]),
      ],
    };
    expect(decide(policies, 'sqs:DeleteMessage', QUEUE).decision).toBe('allowed');
  });
});

describe('pattern overlap (resource types)', () => {
  it.each([
    ['arn:aws:dynamodb:eu-west-1:1:table/T', 'arn:*:dynamodb:*:*:table/*/stream/*', false],
    ['arn:aws:dynamodb:eu-west-1:1:table/T/stream/*', 'arn:*:dynamodb:*:*:table/*/stream/*', true],
    ['arn:aws:dynamodb:eu-west-1:1:table/T*', 'arn:*:dynamodb:*:*:table/*/stream/*', true],
    // "*" crosses ":" (Resource element), so these two share the text arn:aws:sqs:x:kinesis:y:z:stream/w.
    ['arn:aws:sqs:*:*:*', 'arn:*:kinesis:*:*:stream/*', true],
    ['*', 'arn:*:kinesis:*:*:stream/*', true],
    ['arn:aws:kinesis:eu-west-1:1:stream/?', 'arn:*:kinesis:*:*:stream/*', true],
  ])('knows whether %s can name a resource of %s', (a, b, expected) => {
    expect(patternsOverlap(a, b)).toBe(expected);
    expect(patternsOverlap(b, a)).toBe(expected);
  });
});
