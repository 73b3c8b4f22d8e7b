import fc from 'fast-check';
import {
  evaluateRelevant,
  policiesFor,
  relevantEvaluator,
} from '../../../shared/domain/audit/relevant-policies.js';
import type { PolicyDocument } from '../../../shared/domain/policy/document.js';
import { conditionContext, evaluate } from '../../../shared/domain/policy/evaluate.js';
import type { EvaluationResult, RolePolicies } from '../../../shared/domain/policy/evaluation-types.js';
import { parsePolicyDocument } from '../../../shared/domain/policy/parse.js';
import { PREFIX } from '../../support/snapshot-builder.js';
import { policiesArbitrary, statementArbitrary } from './generators.js';

function parsed(raw: unknown): PolicyDocument {
  const result = parsePolicyDocument(raw);
  if (!result.ok) throw new Error(result.error);
  return result.document;
}

/** The decision and the statements behind it, order aside. */
/** A request of the role `r` in us-west-2 for the action on the resource. */
function requestFor(action: string, resource: string) {
  return {
    action,
    resource,
    context: conditionContext({ roleArn: 'arn:aws:iam::123456789012:role/r', region: 'us-west-2', resource }),
  };
}

function verdict(result: EvaluationResult): unknown {
  const refs = (list: readonly { source: string; statement: string }[]) =>
    list.map((ref) => `${ref.source}/${ref.statement}`).sort();
  switch (result.decision) {
    case 'allowed':
      return [result.decision, refs(result.allowedBy)];
    case 'explicit-deny':
      return [result.decision, refs(result.deniedBy)];
    case 'conditional':
      return [result.decision, refs(result.undecided)];
    case 'boundary':
      return [result.decision, result.boundary];
    default:
      return [result.decision];
  }
}

const REQUESTS = [
  ['sqs:DeleteMessage', `arn:aws:sqs:${PREFIX}:orders`],
  ['SQS:receivemessage', `arn:aws:sqs:${PREFIX}:orders`],
  ['kinesis:GetRecords', `arn:aws:kinesis:${PREFIX}:stream/clicks`],
  ['logs:PutLogEvents', `arn:aws:logs:${PREFIX}:log-group:/aws/lambda/f:log-stream:*`],
  ['ec2:CreateNetworkInterface', '*'],
  ['iam:PassRole', '*'],
] as const;

describe('policies reduced to one action', () => {
  it('give the same decision, for the same statements, as the whole role', () => {
    fc.assert(
      fc.property(
        policiesArbitrary,
        fc.option(fc.array(statementArbitrary, { minLength: 1, maxLength: 3 }), { nil: undefined }),
        fc.constantFrom(...REQUESTS),
        (policies, boundaryStatements, [action, resource]) => {
          const role: RolePolicies = {
            identity: policies.map((statements, index) => ({
              source: `inline:p${index}`,
              document: parsed({ Version: '2012-10-17', Statement: statements }),
            })),
            ...(boundaryStatements === undefined
              ? {}
              : { boundary: { source: 'boundary:b', document: parsed({ Statement: boundaryStatements }) } }),
          };
          const request = requestFor(action, resource);
          const whole = verdict(evaluate(role, request));
          expect(verdict(evaluate(policiesFor(role, action), request))).toEqual(whole);
          // The audit's paths: the reduced statements tallied in place, the role's index fetched once.
          expect(verdict(evaluateRelevant(role, request))).toEqual(whole);
          expect(verdict(relevantEvaluator(role)(request))).toEqual(whole);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("one role's reduced policies, asked about several actions in turn", () => {
  it('give each the decision of the whole role (the plans share what they can of a document)', () => {
    fc.assert(
      fc.property(
        policiesArbitrary,
        fc.shuffledSubarray([...REQUESTS], { minLength: 2 }),
        (policies, asked) => {
          const role: RolePolicies = {
            identity: policies.map((statements, index) => ({
              source: `inline:p${index}`,
              document: parsed({ Version: '2012-10-17', Statement: statements }),
            })),
          };
          const evaluator = relevantEvaluator(role);
          // Twice over: the second round reuses every plan the first made.
          for (const [action, resource] of [...asked, ...asked]) {
            const request = requestFor(action, resource);
            expect(verdict(evaluator(request))).toEqual(verdict(evaluate(role, request)));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('names a statement alone for one action and beside another for the next', () => {
    const queue = `arn:aws:sqs:${PREFIX}:orders`;
    const role: RolePolicies = {
      identity: [
        {
          source: 'inline:queue',
          document: parsed({
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'Read',
                Effect: 'Allow',
                Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'],
                Resource: queue,
              },
              { Sid: 'Delete', Effect: 'Allow', Action: 'sqs:DeleteMessage', Resource: `${queue}-other` },
              { Sid: 'All', Effect: 'Allow', Action: 'sqs:Delete*', Resource: '*' },
            ],
          }),
        },
      ],
    };
    const evaluator = relevantEvaluator(role);
    const ask = (action: string) =>
      verdict(
        evaluator({
          action,
          resource: queue,
          context: conditionContext({
            roleArn: 'arn:aws:iam::123456789012:role/r',
            region: 'us-west-2',
            resource: queue,
          }),
        }),
      );
    expect(ask('sqs:ReceiveMessage')).toEqual(['allowed', ['inline:queue/Read']]);
    expect(ask('sqs:DeleteMessage')).toEqual(['allowed', ['inline:queue/All', 'inline:queue/Read']]);
    expect(ask('sqs:ReceiveMessage')).toEqual(['allowed', ['inline:queue/Read']]);
    expect(policiesFor(role, 'sqs:ReceiveMessage').identity[0]?.document.Statement.map((s) => s.id)).toEqual([
      'Read',
    ]);
    expect(policiesFor(role, 'sqs:DeleteMessage').identity[0]?.document.Statement.map((s) => s.id)).toEqual([
      'Read',
      'Delete',
      'All',
    ]);
  });
});
