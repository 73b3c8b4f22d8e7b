/**
 * Regions: IAM's CloudTrail events reach EventBridge in us-east-1 only, Lambda's in the function's own
 * region. The app forwards them to the home region's bus, and that bus admits only the forwarding rules.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { forwardingSources } from '../../infra/names.js';
import { iamChangeEventPattern, lambdaChangeEventPattern } from '../../shared/events/patterns.js';
import { buildApp } from './support/synth.js';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

describe('forwarding change events to the home region', () => {
  it('needs no forwarding stack when the auditor lives in us-east-1', () => {
    expect(buildApp({ region: 'us-east-1' }).forwarders).toEqual([]);
    expect(forwardingSources('us-east-1', [])).toEqual([]);
  });

  it('forwards IAM events from us-east-1 and Lambda events from each extra region', () => {
    expect(forwardingSources('eu-west-1', ['us-west-2', 'us-east-1', 'eu-west-1'])).toEqual([
      { region: 'us-east-1', events: ['iam', 'lambda'] },
      { region: 'us-west-2', events: ['lambda'] },
    ]);
    const { forwarders } = buildApp({ extraRegions: ['us-west-2'] });
    expect(forwarders.map((f) => [f.stackName, f.region])).toEqual([
      ['LambdaRoleAudit-Forwarder-us-east-1', 'us-east-1'],
      ['LambdaRoleAudit-Forwarder-us-west-2', 'us-west-2'],
    ]);
  });

  describe('the us-east-1 forwarding stack', () => {
    const { forwarders, home } = buildApp();
    const [forwarder] = forwarders;
    if (forwarder === undefined) throw new Error('no forwarder');
    const template = Template.fromStack(forwarder);
    const resources = template.toJSON().Resources as Resources;

    it('is deployed after the home stack, whose bus it targets', () => {
      expect(forwarder.dependencies).toContain(home);
    });

    it('holds one rule, with the IAM pattern, targeting the home bus with its role', () => {
      const rules = Object.values(resources).filter((r) => r.Type === 'AWS::Events::Rule');
      expect(rules).toHaveLength(1);
      expect(rules[0]?.Properties).toMatchObject({
        Name: 'LambdaRoleAudit-forward-iam-changes',
        EventPattern: iamChangeEventPattern,
        State: 'ENABLED',
        Targets: [
          {
            Arn: {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':events:eu-west-1:',
                  { Ref: 'AWS::AccountId' },
                  ':event-bus/LambdaRoleAudit-forwarded-events',
                ],
              ],
            },
            RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^ForwardingRole/), 'Arn'] },
          },
        ],
      });
    });

    it('gives its role events:PutEvents on the home bus and nothing else', () => {
      const roles = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Role');
      expect(roles).toHaveLength(1);
      expect(Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy')).toEqual([]);
      const role = roles[0]?.Properties ?? {};
      expect(role.AssumeRolePolicyDocument).toMatchObject({
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' } },
        ],
      });
      const statements = (role.Policies as { PolicyDocument: { Statement: unknown[] } }[]).flatMap(
        (p) => p.PolicyDocument.Statement,
      );
      expect(statements).toEqual([
        {
          Action: 'events:PutEvents',
          Effect: 'Allow',
          Resource: {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':events:eu-west-1:',
                { Ref: 'AWS::AccountId' },
                ':event-bus/LambdaRoleAudit-forwarded-events',
              ],
            ],
          },
        },
      ]);
    });
  });

  it('forwards the Lambda pattern from an extra region', () => {
    const { forwarders } = buildApp({ extraRegions: ['us-west-2'] });
    const west = forwarders.find((f) => f.region === 'us-west-2');
    if (west === undefined) throw new Error('no us-west-2 forwarder');
    Template.fromStack(west).hasResourceProperties('AWS::Events::Rule', {
      Name: 'LambdaRoleAudit-forward-lambda-changes',
      EventPattern: lambdaChangeEventPattern,
    });
  });

  it('lets onto the home bus only what the forwarding rules send', () => {
    const { home } = buildApp({ extraRegions: ['us-west-2'] });
    const bus = Object.values(Template.fromStack(home).toJSON().Resources as Resources).find(
      (r) => r.Type === 'AWS::Events::EventBus',
    );
    expect(bus?.Properties?.Name).toBe('LambdaRoleAudit-forwarded-events');
    const ruleArn = (region: string, name: string) => ({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, `:events:${region}:`, { Ref: 'AWS::AccountId' }, `:rule/${name}`],
      ],
    });
    const rules = [
      ruleArn('us-east-1', 'LambdaRoleAudit-forward-iam-changes'),
      ruleArn('us-west-2', 'LambdaRoleAudit-forward-lambda-changes'),
    ];
    const policy = bus?.Properties?.Policy as { Statement: Record<string, unknown>[] } | undefined;
    const statements = policy?.Statement;
    expect(statements).toEqual([
      expect.objectContaining({
        Sid: 'AdmitForwardingRules',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Condition: { ArnEquals: { 'aws:SourceArn': rules } },
      }),
      expect.objectContaining({
        Sid: 'RejectEverythingElse',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'events:PutEvents',
        Condition: { ArnNotEquals: { 'aws:SourceArn': rules } },
      }),
    ]);
  });
});
