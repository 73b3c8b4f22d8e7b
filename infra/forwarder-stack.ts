/**
 * A small stack in another region that forwards CloudTrail change events to the auditor's home region:
 * IAM's events exist only on the us-east-1 default bus (IAM is global), and Lambda's events arrive in the
 * region of the function. Each rule targets the home region's forwarded-events bus with a role that may
 * put events on that bus and nothing else; the home bus admits only these rules (`aws:SourceArn`).
 */
import { Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { iamChangeEventPattern, lambdaChangeEventPattern } from '../shared/events/patterns.js';
import { toCdkEventPattern } from './event-pattern.js';
import { eventBusArn, type ForwardedEvents, forwardedBusName, forwardingRuleName } from './names.js';

export interface ForwarderStackProps extends StackProps {
  readonly homeStackName: string;
  readonly homeRegion: string;
  readonly events: readonly ForwardedEvents[];
}

export class ForwarderStack extends Stack {
  readonly role: iam.Role;
  readonly rules: readonly events.Rule[];

  constructor(scope: Construct, id: string, props: ForwarderStackProps) {
    super(scope, id, props);
    const homeBusArn = eventBusArn(
      this.partition,
      props.homeRegion,
      this.account,
      forwardedBusName(props.homeStackName),
    );

    this.role = new iam.Role(this, 'ForwardingRole', {
      description: 'Lets the lambda-role-audit forwarding rules put events on the home region bus',
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      inlinePolicies: {
        PutEventsOnHomeBus: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [homeBusArn] })],
        }),
      },
    });

    const target = new eventsTargets.EventBus(events.EventBus.fromEventBusArn(this, 'HomeBus', homeBusArn), {
      // The role above already holds exactly the permission; keep CDK from adding a second policy.
      role: this.role.withoutPolicyUpdates(),
    });
    const patterns: Record<ForwardedEvents, Readonly<Record<string, unknown>>> = {
      iam: iamChangeEventPattern,
      lambda: lambdaChangeEventPattern,
    };
    this.rules = props.events.map(
      (kind) =>
        new events.Rule(this, kind === 'iam' ? 'ForwardIamChanges' : 'ForwardLambdaChanges', {
          // A fixed name: the home bus policy names this rule's ARN, and no reference crosses regions.
          ruleName: forwardingRuleName(props.homeStackName, kind),
          description: `lambda-role-audit: forwards ${kind === 'iam' ? 'IAM' : 'Lambda'} changes to ${props.homeRegion}`,
          eventPattern: toCdkEventPattern(patterns[kind]),
          targets: [target],
        }),
    );
    for (const rule of this.rules) {
      Validations.of(rule).acknowledge({
        id: 'Serverless-EventBusDLQ',
        reason:
          'A dead-letter queue here would sit in a region nobody watches; an event that cannot be forwarded costs at most one sweep period, since the scheduled sweep re-audits the whole account.',
      });
    }
  }
}
