import fc from 'fast-check';
import type {
  ConditionBlock,
  PolicyStatement,
  SourcedDocument,
} from '../../../shared/domain/policy/document.js';
import { conditionContext, evaluate } from '../../../shared/domain/policy/evaluate.js';
import type { EvaluationRequest } from '../../../shared/domain/policy/evaluation-types.js';

const ROLE = 'arn:aws:iam::123456789012:role/r';
const actions = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'kinesis:GetRecords', 'logs:PutLogEvents'];
const resources = [
  'arn:aws:sqs:eu-west-1:123456789012:orders',
  'arn:aws:sqs:eu-west-1:123456789012:payments',
  'arn:aws:kinesis:eu-west-1:123456789012:stream/clicks',
];
const actionPatterns = [...actions, 'sqs:*', '*', 'sqs:Receive*', 'kinesis:Get?ecords'];
const resourcePatterns = [
  ...resources,
  '*',
  'arn:aws:sqs:eu-west-1:123456789012:*',
  'arn:aws:sqs:*:*:orders',
];
const conditions: (ConditionBlock | undefined)[] = [
  undefined,
  { Bool: { 'aws:SecureTransport': ['true'] } },
  { StringEquals: { 'aws:RequestedRegion': ['us-east-1'] } },
  { StringEquals: { 'aws:SourceVpce': ['vpce-1'] } },
];

const statement: fc.Arbitrary<Omit<PolicyStatement, 'id'>> = fc
  .record({
    Effect: fc.constantFrom('Allow' as const, 'Deny' as const),
    Action: fc.subarray(actionPatterns, { minLength: 1 }),
    Resource: fc.subarray(resourcePatterns, { minLength: 1 }),
    Condition: fc.constantFrom(...conditions),
  })
  .map(({ Condition, ...rest }) => (Condition === undefined ? rest : { ...rest, Condition }));

const documents: fc.Arbitrary<SourcedDocument[]> = fc
  .array(fc.array(statement, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 })
  .map((docs) =>
    docs.map((statements, d) => ({
      source: `inline:p${d}`,
      document: { Statement: statements.map((s, i) => ({ ...s, id: String(i) })) },
    })),
  );

const request: fc.Arbitrary<EvaluationRequest> = fc
  .record({ action: fc.constantFrom(...actions), resource: fc.constantFrom(...resources) })
  .map((r) => ({
    ...r,
    context: conditionContext({ roleArn: ROLE, region: 'eu-west-1', resource: r.resource }),
  }));

describe('policy evaluation invariants', () => {
  it('gives the same decision whatever the order of statements and policies', () => {
    fc.assert(
      fc.property(documents, request, (docs, req) => {
        const reversed = [...docs]
          .reverse()
          .map((d) => ({ ...d, document: { Statement: [...d.document.Statement].reverse() } }));
        expect(evaluate({ identity: reversed }, req).decision).toBe(
          evaluate({ identity: docs }, req).decision,
        );
      }),
    );
  });

  it('never turns a denied request into an allowed one when a Deny statement is added', () => {
    fc.assert(
      fc.property(documents, request, statement, (docs, req, extra) => {
        const before = evaluate({ identity: docs }, req).decision;
        const withDeny = [
          ...docs,
          {
            source: 'inline:extra',
            document: { Statement: [{ ...extra, Effect: 'Deny' as const, id: '0' }] },
          },
        ];
        const after = evaluate({ identity: withDeny }, req).decision;
        if (before !== 'allowed') expect(after).not.toBe('allowed');
      }),
    );
  });

  it('never allows more with a permissions boundary than without', () => {
    fc.assert(
      fc.property(documents, documents, request, (identity, boundaryDocs, req) => {
        const boundary = boundaryDocs[0];
        if (boundary === undefined) return;
        const without = evaluate({ identity }, req).decision;
        const withBoundary = evaluate({ identity, boundary }, req).decision;
        if (without !== 'allowed') expect(withBoundary).not.toBe('allowed');
      }),
    );
  });
});
