/**
 * The execution role's trust policy: Lambda must be able to assume the role (`trust-policy-not-lambda`),
 * and nobody else should (`trust-policy-too-broad`), except the role itself, which AWS documents as a
 * valid trusted principal for functions that assume their own role.
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
 */
import type { PolicyStatement, Principal } from '../policy/document.js';
import { actionMatches } from '../policy/match.js';
import type { Severity } from '../report.js';
import type { RawFinding, Rule } from './types.js';

const LAMBDA_SERVICE = 'lambda.amazonaws.com';
/** Lambda@Edge replicas assume the role through this principal; it is Lambda too. */
const LAMBDA_SERVICES = new Set([LAMBDA_SERVICE, 'edgelambda.amazonaws.com']);
const ASSUME_ACTIONS = ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML'];

function allowsAction(statement: PolicyStatement, action: string): boolean {
  if (statement.Action !== undefined)
    return statement.Action.some((pattern) => actionMatches(pattern, action));
  if (statement.NotAction !== undefined)
    return !statement.NotAction.some((pattern) => actionMatches(pattern, action));
  return false;
}

function includesLambda(principal: Principal | undefined): boolean {
  if (principal === undefined) return false;
  if (principal === '*') return true;
  return (
    (principal.AWS ?? []).includes('*') ||
    (principal.Service ?? []).some((service) => service.toLowerCase() === LAMBDA_SERVICE)
  );
}

/** Whether a statement's principal covers the Lambda service principal. */
function coversLambda(statement: PolicyStatement): boolean {
  if (statement.Principal !== undefined) return includesLambda(statement.Principal);
  if (statement.NotPrincipal !== undefined) return !includesLambda(statement.NotPrincipal);
  return false;
}

export const trustPolicyNotLambda: Rule = {
  scope: 'role',
  id: 'trust-policy-not-lambda',
  check(context) {
    const trust = context.trustPolicy;
    if (trust === undefined) return [];
    const applying = trust.Statement.filter(
      (statement) => allowsAction(statement, 'sts:AssumeRole') && coversLambda(statement),
    );
    const allowed = applying.some((statement) => statement.Effect === 'Allow');
    // A Deny with a condition may not apply to Lambda's request; an unconditional one always does.
    const denied = applying.find(
      (statement) => statement.Effect === 'Deny' && statement.Condition === undefined,
    );
    if (allowed && denied === undefined) return [];
    const why =
      denied !== undefined
        ? `its statement ${denied.id} denies sts:AssumeRole to ${LAMBDA_SERVICE}`
        : `no statement allows sts:AssumeRole to the service principal ${LAMBDA_SERVICE}`;
    return [
      {
        rule: 'trust-policy-not-lambda',
        severity: 'critical',
        message: `Lambda cannot assume the execution role ${context.roleArn}: ${why} in the trust policy. The function cannot run.`,
        action: 'sts:AssumeRole',
        resource: context.roleArn,
        cause: { kind: 'trust-policy', ...(denied === undefined ? {} : { statement: denied.id }) },
        remediation:
          'Add {"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"} to the role\'s trust policy.',
      },
    ];
  },
};

interface Extra {
  readonly who: string;
  readonly severity: Severity;
}

function extraPrincipals(statement: PolicyStatement, roleArn: string): Extra[] {
  const conditioned = statement.Condition !== undefined;
  const anyone: Severity = conditioned ? 'medium' : 'high';
  if (statement.NotPrincipal !== undefined) {
    return [{ who: 'every principal not listed in NotPrincipal', severity: anyone }];
  }
  const principal = statement.Principal;
  if (principal === undefined) return [];
  if (principal === '*') return [{ who: 'anyone (*)', severity: anyone }];
  const extras: Extra[] = [];
  const roleAccount = roleArn.split(':')[4] ?? '';
  for (const aws of principal.AWS ?? []) {
    if (aws === '*') extras.push({ who: 'anyone (AWS: *)', severity: anyone });
    else if (aws === roleArn) continue;
    else {
      const account = /^\d{12}$/.test(aws) ? aws : (aws.split(':')[4] ?? '');
      extras.push({
        who: account === roleAccount ? `${aws} (this account)` : `${aws} (another account)`,
        severity: 'medium',
      });
    }
  }
  for (const service of principal.Service ?? []) {
    if (!LAMBDA_SERVICES.has(service.toLowerCase()))
      extras.push({ who: `the service ${service}`, severity: 'medium' });
  }
  for (const federated of principal.Federated ?? []) {
    extras.push({ who: `the federated identity ${federated}`, severity: 'medium' });
  }
  for (const user of principal.CanonicalUser ?? [])
    extras.push({ who: `the canonical user ${user}`, severity: 'medium' });
  return extras;
}

export const trustPolicyTooBroad: Rule = {
  scope: 'role',
  id: 'trust-policy-too-broad',
  check(context) {
    const trust = context.trustPolicy;
    if (trust === undefined) return [];
    const findings: RawFinding[] = [];
    for (const statement of trust.Statement) {
      if (statement.Effect !== 'Allow') continue;
      const action = ASSUME_ACTIONS.find((candidate) => allowsAction(statement, candidate));
      if (action === undefined) continue;
      const extras = extraPrincipals(statement, context.roleArn);
      if (extras.length === 0) continue;
      const severity: Severity = extras.some((extra) => extra.severity === 'high') ? 'high' : 'medium';
      const conditioned = statement.Condition !== undefined ? ' (under a condition)' : '';
      findings.push({
        rule: 'trust-policy-too-broad',
        severity,
        message: `The trust policy of ${context.roleArn} lets ${extras.map((extra) => extra.who).join(', ')} assume the execution role${conditioned} (${/^\d+$/.test(statement.id) ? `Statement[${statement.id}]` : `statement ${statement.id}`}): they get every permission the function has.`,
        action,
        resource: context.roleArn,
        cause: { kind: 'trust-policy', statement: statement.id },
        remediation:
          'Trust only lambda.amazonaws.com (and the role itself if the function assumes its own role); give other principals a role of their own, or restrict them with aws:PrincipalOrgID or sts:ExternalId conditions.',
      });
    }
    return findings;
  },
};
