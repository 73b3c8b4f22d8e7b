/**
 * What each rule means, as data (the Parliament way: rules emit ids, the catalogue explains them).
 * `docs/rules.md` is generated from this table (`npm run docs`); a unit test fails when it is stale.
 */
import type { RuleId, Severity } from '../report.js';

export interface RuleMetadata {
  readonly id: RuleId;
  readonly title: string;
  /** The usual severity; some findings of the rule are graded up or down, as `severityNote` says. */
  readonly defaultSeverity: Severity;
  readonly severityNote: string;
  readonly rationale: string;
  readonly remediation: string;
  readonly docsUrl: string;
}

export const RULE_METADATA: readonly RuleMetadata[] = [
  {
    id: 'missing-permission',
    title: "The execution role lacks a permission the function's configuration needs",
    defaultSeverity: 'high',
    severityNote:
      'high when an event source, the logs, a dead-letter queue, a destination or the VPC breaks; medium for active tracing; one step lower when the decision is `conditional` (a condition that cannot be decided offline) or `unverifiable` (the need itself is uncertain, e.g. MSK IAM authentication); info for an event source or destination of a type the catalog does not know.',
    rationale:
      'Lambda acts with the execution role when it polls an event source, writes logs, creates network interfaces, sends traces and delivers failed events. AWS validates some of these permissions only when a mapping or setting is created or updated, so a role edited later breaks the function silently: messages come back after the visibility timeout, records are lost, logs vanish.',
    remediation:
      "Allow the action on the resource named in the finding (the function's `recommendedPolicy` has the statement), or remove the explicit Deny or permissions-boundary gap that blocks it. Then make a trivial update to the function so that running instances pick up the new credentials.",
    docsUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html',
  },
  {
    id: 'wildcard-action',
    title: 'An Allow statement grants every action, or every action of a service',
    defaultSeverity: 'high',
    severityNote: 'high for `*` and for `NotAction`; medium for `service:*`.',
    rationale:
      'A wildcard action grants everything the service offers today and everything it adds tomorrow, including destructive and administrative actions. A function compromised through its code or dependencies inherits all of it.',
    remediation:
      'Replace the wildcard with the actions the function uses: start from the `recommendedPolicy` and add the SDK calls the code makes.',
    docsUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
  },
  {
    id: 'unused-source-permission',
    title: 'The role grants event-source permissions that no mapping of the function uses',
    defaultSeverity: 'medium',
    severityNote:
      "medium; info when every statement that causes it is an AWS managed policy AWS recommends for the function's configuration (see “AWS's managed baseline” below).",
    rationale:
      "Consumer access to an event source (receiving and deleting SQS messages, reading the records or shards of a Kinesis or DynamoDB stream, subscribing a stream consumer, reading a Kafka topic or consumer group, Amazon MQ and DocumentDB source access) is granted for an event source mapping. When the function has none of that kind, and no other function of the same role has one, it is likely left over from an old mapping or a copied managed policy. Producer grants (sending messages, putting records, table reads and writes), actions granted only on resources of a type they do not apply to (which grant nothing of the source, e.g. `dynamodb:GetRecords` on a table ARN) and statements that serve the function's own dead-letter queue or destinations are not event-source access and are not reported. The function's code may still call these APIs through the SDK, so the finding is a prompt to check, and can be suppressed.",
    remediation:
      "Remove the actions from the statement. If the function's code calls them through the SDK, scope them to the resources it uses and suppress the finding with that reason.",
    docsUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html',
  },
  {
    id: 'overbroad-resource',
    title: 'A required permission is granted on more resources than the function needs',
    defaultSeverity: 'low',
    severityNote:
      "low; info when every statement that causes it is an AWS managed policy AWS recommends for the function's configuration (see “AWS's managed baseline” below). One finding per needed resource and set of statements, naming every statement (`causes`).",
    rationale:
      "A statement that grants a needed action on `*` or on a whole account (e.g. `sqs:DeleteMessage` on every queue) lets the function act on resources it has no business with. AWS managed policies for Lambda do this by design; a least-privilege role names the queue, stream, log group or bucket. The EC2 network-interface actions are judged on what Lambda's calls touch (network interfaces, the subnets and security groups, in the function's account and region): `arn:aws:ec2:REGION:ACCOUNT:*/*` is within the need, `*` is not.",
    remediation:
      "Scope the statement's Resource to the resource named in the finding (the `recommendedPolicy` uses the narrowest pattern that works).",
    docsUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html',
  },
  {
    id: 'trust-policy-not-lambda',
    title: 'The role cannot be assumed by Lambda',
    defaultSeverity: 'critical',
    severityNote: 'critical: the function cannot run.',
    rationale:
      'Lambda assumes the execution role for every invocation. Without an Allow of `sts:AssumeRole` to the service principal `lambda.amazonaws.com` in the role\'s trust policy, invocations fail with "The role defined for the function cannot be assumed by Lambda".',
    remediation:
      'Add a statement to the trust policy: `{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}`.',
    docsUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html',
  },
  {
    id: 'trust-policy-too-broad',
    title: 'Principals other than Lambda may assume the execution role',
    defaultSeverity: 'medium',
    severityNote:
      'high when anyone (`*`, or an Allow with `NotPrincipal`) may assume the role without a condition; medium for another account, another principal of this account, another service or a federated identity.',
    rationale:
      'Whoever can assume an execution role gets every permission the function has, outside the function. The role itself may stay a trusted principal (AWS documents self-assumption); anything else should have a reason.',
    remediation:
      'Remove the extra principals from the trust policy, or give them their own role. If another principal must assume the role, restrict it with conditions such as `aws:PrincipalOrgID` or `sts:ExternalId`.',
    docsUrl:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-trust-policy',
  },
  {
    id: 'role-unavailable',
    title: "The function's execution role does not exist",
    defaultSeverity: 'critical',
    severityNote: 'critical: the function cannot run.',
    rationale:
      'A function whose role was deleted (or never existed in this account) fails every invocation, and recreating a role with the same name does not restore the KMS grants Lambda made for the old one.',
    remediation:
      "Create the role (trust policy for `lambda.amazonaws.com`, the `recommendedPolicy`) and update the function's configuration so that Lambda re-creates its grants.",
    docsUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/permissions-executionrole-update.html',
  },
  {
    id: 'unknown-action',
    title: 'A policy names an action that does not exist',
    defaultSeverity: 'medium',
    severityNote:
      "medium for an unknown action of a known service or a wildcard that matches nothing; low for a service prefix the action catalog does not know (it may be newer than the catalog). SQS batch operation names (`sqs:DeleteMessageBatch`, as AWS SAM's `SQSPollerPolicy` writes them) are not reported when the statement also grants the action IAM authorizes them with (`sqs:DeleteMessage`).",
    rationale:
      'IAM accepts any action name: a typo such as `sqs:RecieveMessage` is stored without error and simply grants (or denies) nothing, so the permission the author meant is missing and a Deny meant as a guardrail protects nothing.',
    remediation:
      'Correct the action name (the finding suggests the closest existing action). If the action is newer than the catalog shipped with this tool, suppress the finding with that reason.',
    docsUrl:
      'https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html',
  },
  {
    id: 'invalid-policy',
    title: 'A policy IAM or CloudFormation would reject',
    defaultSeverity: 'medium',
    severityNote: 'medium.',
    rationale:
      'IAM validates a policy when it is written and rejects a statement with both `Action` and `NotAction` (or `Resource` and `NotResource`), without `Resource`/`NotResource`, with an unknown condition operator or element, an `Effect` other than `Allow`/`Deny` (case-sensitive), or a document with an unknown `Version`; CloudFormation rejects a malformed intrinsic function. Such a policy cannot be in a real account: it comes from an export edited by hand, or from a template whose deployment will fail. In a parsed document the audit counts an invalid statement as granting and denying nothing and judges the rest of the document as written; a document with an unknown `Version` is read as the 2008-10-17 language (policy variables are literal text). A template policy that could not be read as a document at all makes the verdicts that depend on it unverifiable until it is fixed.',
    remediation:
      "Correct the statement or document as the finding says (IAM's policy editor or IAM Access Analyzer policy validation names the same error): a Version of 2012-10-17, Statement entries with Effect Allow or Deny, Action or NotAction, Resource or NotResource; in templates, intrinsic functions of the form CloudFormation expects.",
    docsUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html',
  },
];

export function ruleMetadata(id: RuleId): RuleMetadata {
  const metadata = RULE_METADATA.find((candidate) => candidate.id === id);
  if (metadata === undefined) throw new Error(`no metadata for rule ${id}`);
  return metadata;
}
