import type { FindingCause } from '../../../shared/domain/report.js';
import { mergeByStatement } from '../../../shared/domain/rules/managed-baseline.js';
import type { RawFinding } from '../../../shared/domain/rules/types.js';

const QUEUE = 'arn:aws:sqs:eu-west-1:123456789012:orders';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:events';

function statement(policy: string, id: string): FindingCause {
  return { kind: 'policy', policy, statement: id };
}

function excess(
  action: string | undefined,
  resource: string | undefined,
  cause: FindingCause,
  rule: RawFinding['rule'] = 'overbroad-resource',
): RawFinding {
  return {
    rule,
    severity: 'low',
    message: `${action ?? 'nothing'} on ${resource ?? 'nothing'} by ${cause.kind}`,
    ...(action === undefined ? {} : { action }),
    ...(resource === undefined ? {} : { resource }),
    cause,
  };
}

/** Which input findings each output finding stands for, by the statements it names. */
function statementsOf(findings: readonly RawFinding[]): string[][] {
  return findings.map((finding) =>
    (finding.causes ?? (finding.cause === undefined ? [] : [finding.cause])).map((cause) =>
      cause.kind === 'policy' || cause.kind === 'trust-policy'
        ? `${cause.policy}/${cause.statement}`
        : cause.kind,
    ),
  );
}

describe('merging findings by statement', () => {
  it('returns the findings as they are when no two share a rule, an action and a resource', () => {
    const raw = [
      excess('sqs:ReceiveMessage', QUEUE, statement('inline:a', 'A')),
      excess('sqs:DeleteMessage', QUEUE, statement('inline:a', 'A')),
      excess('sqs:ReceiveMessage', TOPIC, statement('inline:a', 'A')),
      excess('sqs:ReceiveMessage', QUEUE, statement('inline:a', 'A'), 'unused-source-permission'),
    ];
    expect(mergeByStatement(raw)).toEqual(raw);
  });

  it('merges the same rule, action (whatever its case) and resource, at the place of the first', () => {
    const raw = [
      excess('sqs:ReceiveMessage', QUEUE, statement('inline:b', 'B')),
      excess('sns:Publish', TOPIC, statement('inline:a', 'A')),
      excess('SQS:receivemessage', QUEUE, statement('inline:a', 'A')),
      excess('sns:Publish', TOPIC, statement('inline:c', 'C')),
    ];
    const merged = mergeByStatement(raw);
    expect(statementsOf(merged)).toEqual([
      ['inline:a/A', 'inline:b/B'],
      ['inline:a/A', 'inline:c/C'],
    ]);
    expect(merged[0]?.actions).toEqual(['SQS:receivemessage', 'sqs:ReceiveMessage']);
    expect(merged[0]?.message).toBe(
      'SQS:receivemessage on arn:aws:sqs:eu-west-1:123456789012:orders by policy The same is granted by statement B of inline policy b.',
    );
  });

  it('takes a finding without a resource and one with an empty resource as the same', () => {
    const merged = mergeByStatement([
      excess('iam:PassRole', undefined, statement('inline:a', 'A')),
      excess('iam:PassRole', '', statement('inline:b', 'B')),
    ]);
    expect(statementsOf(merged)).toEqual([['inline:a/A', 'inline:b/B']]);
  });

  it('leaves alone findings without an action or with a cause that is not a statement', () => {
    const esm: FindingCause = { kind: 'event-source-mapping', uuid: 'u-1' };
    const raw = [
      excess(undefined, QUEUE, statement('inline:a', 'A')),
      excess(undefined, QUEUE, statement('inline:b', 'B')),
      excess('sqs:ReceiveMessage', QUEUE, esm),
      excess('sqs:ReceiveMessage', QUEUE, esm),
      {
        ...excess('sqs:ReceiveMessage', QUEUE, statement('inline:a', 'A')),
        causes: [statement('inline:a', 'A'), esm],
      },
    ];
    expect(mergeByStatement(raw)).toEqual(raw);
  });
});
